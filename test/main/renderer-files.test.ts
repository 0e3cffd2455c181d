import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentTypeFor, resolveRendererFile } from '../../src/main/renderer-files';

const root = resolve('/opt/clawdbot/dist/renderer');

describe('app:// file resolver', () => {
  it('serves files under the renderer folder', () => {
    expect(resolveRendererFile('app://renderer/index.html', root)).toBe(join(root, 'index.html'));
    expect(resolveRendererFile('app://renderer/assets/app.js?v=1#x', root)).toBe(join(root, 'assets', 'app.js'));
    expect(resolveRendererFile('app://renderer/', root)).toBe(join(root, 'index.html'));
    expect(resolveRendererFile('app://renderer', root)).toBe(join(root, 'index.html'));
    expect(resolveRendererFile('app://renderer/my%20file.css', root)).toBe(join(root, 'my file.css'));
  });

  it('refuses traversal in every spelling', () => {
    for (const url of [
      'app://renderer/assets/..%2f..%2fsecret',
      'app://renderer/..%5c..%5csecret',
      'app://renderer/assets%2F..%2F..%2Fsecret',
      'app://renderer/index.html%00.png',
      'app://renderer/C:%5Cwindows%5Cwin.ini',
      'app://renderer/bad%E0%A4%A',
    ]) {
      expect(resolveRendererFile(url, root), url).toBeNull();
    }
  });

  it('never resolves outside the root, even after URL normalisation', () => {
    // The URL parser folds literal dot segments itself; whatever it leaves must stay inside.
    for (const url of [
      'app://renderer/../../etc/passwd',
      'app://renderer/a/../../../x',
      'app://renderer/./../x',
      'app://renderer/%2e%2e/%2e%2e/etc/passwd',
      'app://renderer/%2E%2E/secret',
      'app://renderer/.%2e/secret',
    ]) {
      const file = resolveRendererFile(url, root);
      if (file !== null) expect(file.startsWith(root + '/')).toBe(true);
    }
  });

  it('refuses other hosts and schemes', () => {
    expect(resolveRendererFile('app://other/index.html', root)).toBeNull();
    expect(resolveRendererFile('file:///opt/clawdbot/dist/renderer/index.html', root)).toBeNull();
    expect(resolveRendererFile('https://renderer/index.html', root)).toBeNull();
    expect(resolveRendererFile('not a url', root)).toBeNull();
  });

  it('names content types, with a safe default', () => {
    expect(contentTypeFor('index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeFor('app.js')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('APP.CSS')).toBe('text/css; charset=utf-8');
    expect(contentTypeFor('unknown.bin')).toBe('application/octet-stream');
  });
});
