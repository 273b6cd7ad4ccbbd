//! STUB: the attention op (forward and backward side by side) lands here. See ops/mod.rs for the conventions.
