/** A small icon, so browsers asking for one get it rather than a 404 in the console. */
export const FAVICON_FILE = "favicon.svg";

export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">
<rect width="16" height="16" rx="3" fill="#0550ae"/>
<polyline points="2,11 5,7 8,9 11,4 14,6" fill="none" stroke="#fff" stroke-width="1.6"/>
</svg>
`;
