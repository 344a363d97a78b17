// Where `pipe plots` writes its report by default, relative to the project root.
export const PLOTS_DIR = ".pipe/plots";
export const DEFAULT_REPORT = `${PLOTS_DIR}/index.html`;
