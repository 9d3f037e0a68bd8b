/** The README blocks that `npm run docs:config` writes, between `<!-- config:NAME:start -->` and `<!-- config:NAME:end -->`. */
export function blockMarkers(name: string): { start: string; end: string } {
  return { start: `<!-- config:${name}:start -->`, end: `<!-- config:${name}:end -->` };
}

/** The text between the markers, trimmed; throws unless each marker is there once, in order. */
export function readBlock(readme: string, name: string): string {
  const { startIndex, endIndex, start } = locate(readme, name);
  return readme.slice(startIndex + start.length, endIndex).trim();
}

/** The README with the block between the markers replaced (one blank line on each side). */
export function replaceBlock(readme: string, name: string, block: string): string {
  const { startIndex, endIndex, start } = locate(readme, name);
  return `${readme.slice(0, startIndex + start.length)}\n\n${block.trim()}\n\n${readme.slice(endIndex)}`;
}

function locate(readme: string, name: string): { startIndex: number; endIndex: number; start: string } {
  const { start, end } = blockMarkers(name);
  const count = (marker: string) => readme.split(marker).length - 1;
  if (count(start) !== 1 || count(end) !== 1) {
    throw new Error(
      `README must contain ${start} and ${end} exactly once each (found ${count(start)} and ${count(end)})`,
    );
  }
  const startIndex = readme.indexOf(start);
  const endIndex = readme.indexOf(end);
  if (endIndex < startIndex) throw new Error(`README: ${end} comes before ${start}`);
  return { startIndex, endIndex, start };
}
