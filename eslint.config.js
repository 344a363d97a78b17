// ESLint for the whole repo: typed rules from typescript-eslint, `no-console` in the engine (it
// emits events; only report/ and cli/ write, through injected streams), and import boundaries that
// encode STYLE.md's layers: a folder of engine/src imports only the folders below it.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/**
 * engine/src's layers, lowest first. A folder may import its own layer and the ones before it;
 * `cli` sits on top, and engine/src/index.ts (the public API) re-exports session/ and below.
 */
const LAYERS = [
  ["diagnostics", "common", "files"],
  ["config"],
  ["graph", "hashing"],
  ["plan", "cache"],
  ["lock", "tracked", "dvc"],
  ["status"],
  ["events"],
  ["exec"],
  ["report"],
  ["memo"],
  ["git"],
  ["metrics"],
  ["plots", "exp"],
  ["remote"],
  ["render"],
  ["session"],
  ["ui"],
  ["cli"],
];

const boundaries = LAYERS.flatMap((layer, i) => {
  const above = LAYERS.slice(i + 1).flat();
  return layer.map((folder) => ({
    files: [`engine/src/${folder}/**/*.ts`],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            ...(above.length === 0
              ? []
              : [
                  {
                    regex: `^(\\.\\./)+(${above.join("|")})/`,
                    message: `engine/src/${folder} sits below ${above.join(", ")} (STYLE.md's layers): move the shared piece down instead.`,
                  },
                ]),
            ...(folder === "cli"
              ? []
              : [{ regex: "^(\\.\\./)+index\\.js$", message: "engine/src/index.ts is the public API for callers above the engine, not for its own folders." }]),
            { regex: "(^|/)(stages|serve)/", message: "the engine never imports the reference pipeline." },
          ],
        },
      ],
    },
  }));
});

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "bench/out/", ".cache/", ".pipe/", "data/", "artifacts/", "**/*.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ["*.js", "*.ts", "bench/*.js", "bench/engine/*.mjs", "bin/*.js"] },
        tsconfigRootDir: import.meta.dirname,
      },
      globals: {
        process: "readonly",
        console: "readonly",
        Buffer: "readonly",
        URL: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
        performance: "readonly",
        AbortController: "readonly",
        TextDecoder: "readonly",
        TextEncoder: "readonly",
        fetch: "readonly",
      },
    },
    rules: {
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "separate-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "@typescript-eslint/switch-exhaustiveness-check": ["error", { considerDefaultExhaustiveForUnions: true }],
      "@typescript-eslint/no-floating-promises": "error",
      // String(value) of parsed YAML/JSON scalars is deliberate (a message shows what was written).
      "@typescript-eslint/no-base-to-string": "off",
      // Implementations of async interfaces (HashFs, TreeReader) may answer synchronously.
      "@typescript-eslint/require-await": "off",
    },
  },
  { files: ["engine/src/**/*.ts"], rules: { "no-console": "error" } },
  // Tests compare parsed JSON and use vitest's asymmetric matchers (typed `any`) by design.
  {
    files: ["**/test/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-call": "off",
    },
  },
  ...boundaries,
  { files: ["**/*.js", "**/*.mjs"], ...tseslint.configs.disableTypeChecked },
);
