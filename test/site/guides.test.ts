// The docs site's guide pages are cut from README.md by heading (scripts/build-docs-guides.mjs).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import type { GuideSpec } from '../../scripts/build-docs-guides.mjs';

// dist/test/site/ -> the repository root; the script is plain JavaScript, not compiled into dist/
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
type Guides = typeof import('../../scripts/build-docs-guides.mjs');
const { anchorOf, guidePages, homePage, splitSections } = (await import(
  pathToFileURL(path.join(repoRoot, 'scripts', 'build-docs-guides.mjs')).href
)) as Guides;

const README = `# pkg

Intro text.

## Tour

tour text, see [the layout](#layout) and [a file](docs/x.md).

### Tensors

tensor text

\`\`\`ts
## not a heading inside a fence
\`\`\`

### Extra

extra text

## Layout

layout text
`;

describe('docs guides', () => {
  it('splits sections by heading, ignoring fenced code', () => {
    const { preamble, sections } = splitSections(README);
    assert.deepEqual(
      sections.map((s) => [s.level, s.title]),
      [
        [2, 'Tour'],
        [3, 'Tensors'],
        [3, 'Extra'],
        [2, 'Layout'],
      ],
    );
    assert.ok(preamble.includes('Intro text.'));
    assert.equal(anchorOf('The Keras-style front'), 'the-keras-style-front');
    assert.equal(anchorOf('`npm` and Node 20+'), 'npm-and-node-20');
  });

  it('a page takes its matched sections with the subsections no page claims, and rewrites links', () => {
    const guides: GuideSpec[] = [
      { slug: 'tour', title: 'Tour', sections: ['^Tour$'] },
      { slug: 'tensors', title: 'Tensors', sections: ['^Tensors$'] },
      { slug: 'layout', title: 'Layout', sections: ['^Layout$'] },
    ];
    const [tour, tensors, layout] = guidePages(README, guides);
    assert.match(tour.text, /^---\ntitle: Tour\n---/);
    assert.match(tour.text, /## Tour\n/);
    assert.match(tour.text, /### Extra\n\nextra text/, 'the unclaimed subsection stays with its parent');
    assert.doesNotMatch(tour.text, /tensor text/, 'a claimed subsection goes to its own page');
    assert.match(
      tour.text,
      /\[the layout\]\(\.\/layout\.md#layout\)/,
      'an anchor link goes to the page holding the heading',
    );
    assert.match(tour.text, /a file \(`docs\/x\.md` in the repository\)/, 'a file link becomes text');
    assert.match(tensors.text, /## Tensors\n\ntensor text\n\n```ts\n## not a heading inside a fence\n```/);
    assert.match(layout.text, /## Layout\n\nlayout text/);
    assert.match(
      homePage(README, [tour, tensors, layout]),
      /Intro text\.[\s\S]*\[Tensors\]\(\.\/guides\/tensors\.md\)/,
    );
  });

  it('a guide none of whose patterns matches fails the build', () => {
    assert.throws(
      () => guidePages(README, [{ slug: 'x', title: 'X', sections: ['^Nothing like this$'] }]),
      /no README\.md heading matches the patterns of guide "x"/,
    );
  });

  it("site/guides.json's pages all find their sections in the README", () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const { guides } = JSON.parse(readFileSync(path.join(repoRoot, 'site', 'guides.json'), 'utf8')) as {
      guides: GuideSpec[];
    };
    const pages = guidePages(readme, guides);
    for (const slug of [
      'tensors-and-autograd',
      'recurrent-layers',
      'keras-front',
      'streaming',
      'pytorch-interop',
      'cli',
      'benchmarks',
    ]) {
      assert.ok(
        pages.some((p) => p.slug === slug),
        `a ${slug} page`,
      );
    }
    const bench = pages.find((p) => p.slug === 'benchmarks') as { text: string };
    assert.match(bench.text, /npm run bench/, 'the benchmark page gives its command');
    assert.match(bench.text, /\| W1 /, 'and its table');
  });
});
