/**
 * Assertions on what a screenshot must show, robust across hosts (fonts, GPU, QEMU speed): parts
 * rendered with a size, inside the window or their container, and not drawn over one another.
 * A pixel comparison would break on another host's fonts; these break only when the layout does.
 */
import { expect, type Locator, type Page } from '@playwright/test';

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Sub-pixel rounding of borders and transforms. */
const SLACK = 1;

async function boxOf(locator: Locator): Promise<Box> {
  const box = await locator.boundingBox();
  if (box === null) throw new Error(`${String(locator)} is not rendered`);
  return box;
}

function isInside(inner: Box, outer: Box): boolean {
  return (
    inner.x >= outer.x - SLACK &&
    inner.y >= outer.y - SLACK &&
    inner.x + inner.width <= outer.x + outer.width + SLACK &&
    inner.y + inner.height <= outer.y + outer.height + SLACK
  );
}

function overlaps(a: Box, b: Box): boolean {
  return (
    a.x + SLACK < b.x + b.width &&
    b.x + SLACK < a.x + a.width &&
    a.y + SLACK < b.y + b.height &&
    b.y + SLACK < a.y + a.height
  );
}

/** Descriptions of the items that are empty, outside `outer`, or overlap another item. */
function misplaced(named: [string, Box][], outer: Box): string[] {
  const wrong: string[] = [];
  for (const [i, [name, box]] of named.entries()) {
    if (box.width < 1 || box.height < 1) wrong.push(`${name} has no size`);
    if (!isInside(box, outer)) wrong.push(`${name} is outside its container`);
    for (const [other, otherBox] of named.slice(i + 1)) {
      if (overlaps(box, otherBox)) wrong.push(`${name} overlaps ${other}`);
    }
  }
  return wrong;
}

/** The workbench regions (by test id): each rendered inside the window, none over another. */
export async function expectRegionsTiled(page: Page, testIds: readonly string[]): Promise<void> {
  const size = page.viewportSize();
  if (size === null) throw new Error('the page has no viewport');
  const window: Box = { x: 0, y: 0, ...size };
  const named = await Promise.all(
    testIds.map(async (id): Promise<[string, Box]> => [id, await boxOf(page.getByTestId(id))]),
  );
  expect(misplaced(named, window)).toEqual([]);
}

/**
 * Every item rendered inside `container` and none over another. Polled, not after a fixed wait:
 * a fit view or a resize animates, and the check passes as soon as the layout has settled.
 */
export async function expectLaidOutInside(
  container: Locator,
  items: Locator,
  minCount = 1,
): Promise<void> {
  await expect
    .poll(async () => {
      const outer = await boxOf(container);
      const all = await items.all();
      if (all.length < minCount) return [`only ${all.length} of at least ${minCount} rendered`];
      const named = await Promise.all(
        all.map(async (item, i): Promise<[string, Box]> => [
          (await item.getAttribute('data-testid')) ?? `item ${i}`,
          await boxOf(item),
        ]),
      );
      return misplaced(named, outer);
    })
    .toEqual([]);
}

/** `inner` is rendered with a size and lies inside `outer` (scrolled into view, not clipped). */
export async function expectShownInside(inner: Locator, outer: Locator): Promise<void> {
  await expect(inner).toBeVisible();
  await expect
    .poll(async () => {
      const box = await boxOf(inner);
      return box.width >= 1 && box.height >= 1 && isInside(box, await boxOf(outer));
    })
    .toBe(true);
}
