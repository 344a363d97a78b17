// The `@suffix` of a foreach/matrix-generated stage, spelt as DVC spells it (Python's `str` of the
// value: `None`, `true`/`false`, floats as Python prints them), so stage names match dvc.yaml's.
import type { RNode } from "./resolve.js";

/**
 * A scalar's part of a generated name. `float` says the YAML text was a float (`1.0`, `1e-5`):
 * Python keeps `1.0` apart from `1` where JavaScript cannot.
 */
export function nameFragment(value: string | number | boolean | null, float = false): string {
  if (value === null) return "None";
  if (typeof value === "number") return float || !Number.isInteger(value) ? pythonFloat(value) : String(value);
  return String(value);
}

/** nameFragment for a located scalar; lists and mappings have no fragment of their own. */
export function nodeFragment(n: RNode): string | null {
  return n.kind === "scalar" ? nameFragment(n.value, n.float === true) : null;
}

/**
 * Python's `repr(float)`: the shortest round-tripping digits (as JavaScript's), positional between
 * 1e-4 and 1e16 with at least one decimal (`1.0`, `0.0001`), otherwise `1e-05` / `1.5e+16`.
 */
export function pythonFloat(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const sign = x < 0 ? "-" : "";
  const [mantissa = "", expText = "0"] = Math.abs(x).toExponential().split("e");
  const digits = mantissa.replace(".", "");
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  if (exp < 0) return `${sign}0.${"0".repeat(-exp - 1)}${digits}`;
  const whole = digits.slice(0, exp + 1).padEnd(exp + 1, "0");
  return `${sign}${whole}.${digits.slice(exp + 1) || "0"}`;
}

const YAML_INT = /^[-+]?[0-9]+$|^0o[0-7]+$|^0x[0-9a-fA-F]+$/;

/** Whether a plain YAML number was written as a float (YAML 1.2 core schema: anything not an int). */
export function isFloatSource(source: string | undefined): boolean {
  return source !== undefined && !YAML_INT.test(source.trim());
}
