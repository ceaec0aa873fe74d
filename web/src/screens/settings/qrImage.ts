// The server's QR code SVG shown as an image: an <img> with a data: URL never runs
// scripts or touches the page, unlike SVG markup inserted into the document.
import { h } from "../../ui/dom";

export function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

export function qrImage(svg: string, alt: string): HTMLImageElement {
  return h("img", { class: "qr", src: svgDataUrl(svg), alt, width: 200, height: 200 });
}
