// Types of build-docs-guides.mjs (for the tests that import it).
export interface GuideSpec {
  slug: string;
  title: string;
  sections: string[];
}
export interface Section {
  level: number;
  title: string;
  anchor: string;
  body: string[];
}
export interface GuidePage {
  slug: string;
  title: string;
  text: string;
  anchors: string[];
}
export function anchorOf(title: string): string;
export function splitSections(markdown: string): { preamble: string[]; sections: Section[] };
export function guidePages(readme: string, guides: GuideSpec[]): GuidePage[];
export function homePage(readme: string, pages: GuidePage[]): string;
