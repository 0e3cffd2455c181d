// @vitest-environment happy-dom
// The page knows who served it from the page itself: the twin's pages carry its meta tag.
import { describe, expect, it } from 'vitest';
import { servedByTwin } from '../../src/renderer/host/resolve-desktop-api';
import { TWIN_MARKER, TWIN_MARKER_TAG } from '../../src/shared/twin-marker';

const page = (head: string): Document => new DOMParser().parseFromString(`<!doctype html><html><head>${head}</head><body></body></html>`, 'text/html');

describe('telling the twin from the gateway', () => {
  it('the twin marks its pages; a page without the mark came from the gateway', () => {
    expect(servedByTwin(page(TWIN_MARKER_TAG))).toBe(true);
    expect(servedByTwin(page('<meta charset="utf-8">'))).toBe(false);
    expect(servedByTwin(page(`<meta name="${TWIN_MARKER.name}" content="other">`))).toBe(false);
  });
});
