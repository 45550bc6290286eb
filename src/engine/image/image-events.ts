import type { ImageDeleteResponseItem } from '../../api/image.js';
import type { ImageRecord } from '../../image/types.js';
import type { EventSink } from '../events/types.js';

/** Docker's image event attributes: the image's labels, then the name the event is about. */
export function imageEventAttributes(img: ImageRecord | undefined, name: string): Record<string, string> {
  return { ...(img?.config.config?.Labels ?? {}), name };
}

/**
 * Emits what Docker emits for a delete report: `untag` for each reference and `delete` for
 * each image, both naming the image by its id. An untag belongs to the image deleted after it;
 * untags with no delete after them belong to `fallbackId` (an rmi that only untagged).
 */
export function emitDeleteEvents(events: EventSink, items: ImageDeleteResponseItem[], opts: { fallbackId?: string; labelsOf?: (id: string) => ImageRecord | undefined }): void {
  let pending = 0;
  const untag = (id: string): void => {
    for (; pending > 0; pending--) events.image(id, 'untag', imageEventAttributes(opts.labelsOf?.(id), id));
  };
  for (const item of items) {
    if (item.Untagged) pending++;
    if (item.Deleted) {
      untag(item.Deleted);
      events.image(item.Deleted, 'delete', imageEventAttributes(opts.labelsOf?.(item.Deleted), item.Deleted));
    }
  }
  if (opts.fallbackId) untag(opts.fallbackId);
}
