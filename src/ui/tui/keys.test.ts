import { describe, expect, it } from 'vitest';
import { handleKey, initialView, type KeyPress, type ViewState } from './keys.js';

const context = { services: ['front', 'back', 'db'], page: 10 };
function press(keys: KeyPress[], view: ViewState = initialView) {
  const commands = [];
  for (const k of keys) {
    const next = handleKey(view, k, context);
    view = next.view;
    if (next.command) commands.push(next.command);
  }
  return { view, commands };
}
const k = (input: string, extra: Partial<KeyPress> = {}): KeyPress => ({ input, ...extra });

describe('keys', () => {
  it('selects with arrows and j/k, within the list', () => {
    expect(press([k('j'), k('j'), k('j')]).view.selected).toBe(2);
    expect(press([k('', { downArrow: true }), k('', { upArrow: true }), k('k')]).view.selected).toBe(0);
  });

  it('Enter focuses the selected service, again goes back to all; Esc too', () => {
    expect(press([k('j'), k('', { return: true })]).view.focus).toBe('back');
    expect(press([k('j'), k('', { return: true }), k('', { return: true })]).view.focus).toBeUndefined();
    expect(press([k('', { return: true }), k('', { escape: true })]).view.focus).toBeUndefined();
  });

  it('scrolls back a page and follows again', () => {
    expect(press([k('', { pageUp: true }), k('', { pageUp: true }), k('', { pageDown: true })]).view.scroll).toBe(10);
    expect(press([k('', { pageUp: true }), k('G')]).view.scroll).toBe(0);
    expect(press([k('', { pageDown: true })]).view.scroll).toBe(0);
  });

  it('pages from the offset shown: PgUp stops at the oldest line, and PgDn after g or past the top moves at once', () => {
    const at = (scroll: number) => ({ ...initialView, scroll });
    const withMax = { ...context, maxScroll: 25 };
    expect(handleKey(at(20), k('', { pageUp: true }), withMax).view.scroll).toBe(25);
    expect(handleKey(at(25), k('', { pageUp: true }), withMax).view.scroll).toBe(25);
    expect(handleKey(at(Number.MAX_SAFE_INTEGER), k('', { pageDown: true }), withMax).view.scroll).toBe(15);
    // Following (the view does not count how far back it could go): PgUp asks for a page back.
    expect(handleKey(at(0), k('', { pageUp: true }), context).view.scroll).toBe(10);
  });

  it('types a search after /, where letters are text, not commands', () => {
    const { view, commands } = press([k('/'), k('q'), k('r'), k('x'), k('', { backspace: true }), k('', { return: true })]);
    expect(view.search).toEqual({ text: 'qr', typing: false });
    expect(commands).toEqual([]);
    expect(press([k('/'), k('a'), k('', { escape: true })]).view.search).toBeUndefined();
  });

  it('r, s and o act on the selected service; w, d and q on the app; Ctrl-C quits even while typing', () => {
    expect(press([k('j'), k('r'), k('s'), k('o'), k('w'), k('d'), k('q')]).commands).toEqual([
      { kind: 'rebuild', service: 'back' },
      { kind: 'restart', service: 'back' },
      { kind: 'open', service: 'back' },
      { kind: 'toggle-watch' },
      { kind: 'deploy' },
      { kind: 'quit' },
    ]);
    expect(press([k('/'), k('c', { ctrl: true })]).commands).toEqual([{ kind: 'quit' }]);
  });

  it('? shows help, any key closes it without acting', () => {
    const { view, commands } = press([k('?'), k('q')]);
    expect(view.help).toBe(false);
    expect(commands).toEqual([]);
  });
});
