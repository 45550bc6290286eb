/** One image's layers as df counts them: chain ids with their unpacked sizes. */
export interface ImageLayers {
  id: string;
  layers: Array<{ chainId: string; size: number }>;
}

/**
 * What `system df` needs from the layer sharing between images: per image, the bytes of its
 * layers that another image also uses (SharedSize), and the bytes of all layers counted once
 * (what they take on disk, the images' part of LayersSize).
 */
export function layerSharing(images: ImageLayers[]): { sharedSize: Map<string, number>; uniqueBytes: number } {
  const users = new Map<string, { size: number; images: Set<string> }>();
  for (const img of images) {
    for (const l of img.layers) {
      const u = users.get(l.chainId) ?? { size: l.size, images: new Set<string>() };
      u.images.add(img.id);
      users.set(l.chainId, u);
    }
  }
  const sharedSize = new Map<string, number>();
  for (const img of images) {
    let shared = 0;
    for (const l of new Set(img.layers.map((x) => x.chainId))) {
      const u = users.get(l)!;
      if (u.images.size > 1) shared += u.size;
    }
    sharedSize.set(img.id, shared);
  }
  let uniqueBytes = 0;
  for (const u of users.values()) uniqueBytes += u.size;
  return { sharedSize, uniqueBytes };
}
