// What every model reads of a paper: its title and abstract, joined one way everywhere (baseline,
// embeddings, serving), so a served paper is seen exactly as the model saw its training papers.

export interface PaperFields {
  readonly title: string;
  readonly summary: string;
}

export function paperText(p: PaperFields): string {
  return `${p.title} ${p.summary}`;
}
