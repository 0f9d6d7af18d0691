import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keepSections, replaceSection } from '../bench/sections.js';

/** BENCHMARKS.md is shared by several benches: each replaces its own sections, byte for byte. */
test('a section is replaced as written, even when it holds $ patterns; the others stay', () => {
  const document = '# Benchmarks\n\n<!-- section:a -->\nold a\n<!-- /section:a -->\n\n<!-- section:b -->\nb\n<!-- /section:b -->\n';
  const markdown = "`reflex -r '\\.go$' -s` costs $1 and $& and $`";
  const replaced = replaceSection(document, 'a', markdown);
  assert.equal(replaced, `# Benchmarks\n\n<!-- section:a -->\n${markdown}\n<!-- /section:a -->\n\n<!-- section:b -->\nb\n<!-- /section:b -->\n`);
  assert.equal(replaceSection(replaced, 'c', 'new'), `${replaced.trimEnd()}\n\n<!-- section:c -->\nnew\n<!-- /section:c -->\n`);
  assert.equal(keepSections(document, '# Fresh\n\n<!-- section:a -->\nfresh a\n<!-- /section:a -->\n'), '# Fresh\n\n<!-- section:a -->\nfresh a\n<!-- /section:a -->\n\n<!-- section:b -->\nb\n<!-- /section:b -->\n');
});
