// The docs site's guide pages, cut from README.md by heading (see site/guides.json).
// A README section is its heading plus the text up to the next heading; a page takes
// each section whose heading matches one of its patterns, with the subsections below it
// that no page claims for itself. Links: `#anchor` links go to the page holding that
// heading; links to repository files become plain text (the site has no copy of them).

/** @typedef {{ level: number, title: string, anchor: string, body: string[] }} Section */
/** @typedef {{ slug: string, title: string, sections: string[] }} GuideSpec */

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to dashes. */
export function anchorOf(title) {
  return title
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/[^\p{L}\p{N} -]/gu, '')
    .replace(/ /g, '-');
}

/** @returns {{ preamble: string[], sections: Section[] }} */
export function splitSections(markdown) {
  const preamble = [];
  const sections = [];
  let fence = false;
  for (const line of markdown.split(/\r?\n/)) {
    if (/^\s*(```|~~~)/.test(line)) fence = !fence;
    const m = fence ? null : /^(#{2,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (m) sections.push({ level: m[1].length, title: m[2], anchor: anchorOf(m[2]), body: [] });
    else if (sections.length === 0) preamble.push(line);
    else sections[sections.length - 1].body.push(line);
  }
  return { preamble, sections };
}

/**
 * @param {string} readme
 * @param {GuideSpec[]} guides
 * @returns {{ slug: string, title: string, text: string, anchors: string[] }[]}
 */
export function guidePages(readme, guides) {
  const { sections } = splitSections(readme);
  const matches = (g, s) => g.sections.some((p) => new RegExp(p, 'i').test(s.title));
  const claimed = new Set(sections.filter((s) => guides.some((g) => matches(g, s))));
  const pages = guides.map((g) => {
    const picked = [];
    sections.forEach((s, i) => {
      if (!matches(g, s)) return;
      picked.push({ s, shift: 2 - s.level });
      for (let j = i + 1; j < sections.length && sections[j].level > s.level; j++) {
        if (!claimed.has(sections[j])) picked.push({ s: sections[j], shift: 2 - s.level });
      }
    });
    if (picked.length === 0) {
      throw new Error(
        `build-docs: no README.md heading matches the patterns of guide "${g.slug}" (${g.sections.join(' | ')}); edit site/guides.json`,
      );
    }
    return { g, picked };
  });
  const home = new Map();
  for (const { g, picked } of pages)
    for (const { s } of picked) if (!home.has(s.anchor)) home.set(s.anchor, g.slug);
  const fixLinks = (line) =>
    line.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (all, text, href) => {
      if (/^[a-z]+:/i.test(href)) return all;
      if (href.startsWith('#')) {
        const slug = home.get(href.slice(1));
        return slug === undefined ? text : `[${text}](./${slug}.md${href})`;
      }
      return `${text} (\`${href}\` in the repository)`;
    });
  return pages.map(({ g, picked }) => {
    const out = ['---', `title: ${g.title}`, '---', '', `# ${g.title}`, ''];
    let fence = false;
    for (const { s, shift } of picked) {
      out.push(`${'#'.repeat(Math.min(6, s.level + shift))} ${s.title}`);
      for (const line of s.body) {
        if (/^\s*(```|~~~)/.test(line)) fence = !fence;
        out.push(fence ? line : fixLinks(line));
      }
    }
    return {
      slug: g.slug,
      title: g.title,
      text: `${out.join('\n').trimEnd()}\n`,
      anchors: picked.map((p) => p.s.anchor),
    };
  });
}

/** The site's home page: the README's opening paragraphs and a table of contents. */
export function homePage(readme, pages) {
  const { preamble } = splitSections(readme);
  const intro = preamble
    .filter((l) => !/^#\s/.test(l))
    .join('\n')
    .trim();
  return [
    intro,
    '',
    '## This site',
    '',
    '- The **Playground** (linked at the top of every page): train an LSTM forecaster and sample a character model in this browser tab.',
    '- The API reference: every export of `longshort`, under `index` in the side bar (or search at the top).',
    '- Guides, from the README:',
    ...pages.map((p) => `  - [${p.title}](./guides/${p.slug}.md)`),
    '',
    'Build this site with `npm run build && npm run docs` (into `site/dist/`); `npm run docs:serve` previews it.',
    '',
  ].join('\n');
}
