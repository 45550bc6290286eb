import { ConflictError } from '../../lib/errors/index.js';
import { AttachSession, type AttachOptions, type AttachSink } from './attach.js';
import type { ContainerContext } from './context.js';
import { canAttach } from './model.js';

/**
 * Attaches a client. Before start the session waits and is connected at start, so nothing the
 * container prints is missed; on a running container it connects now.
 */
export async function containerAttach(c: ContainerContext, ref: string, sink: AttachSink, opts: AttachOptions): Promise<AttachSession> {
  const rec = c.deps.store.get(ref);
  if (!canAttach(rec.state)) throw new ConflictError(`container ${rec.id} is ${rec.state.status}, unpause the container before attach`);
  // A session that ends before the start (client gone) must not wait for it.
  const session: AttachSession = new AttachSession(sink, opts, () => c.attachments.delete(rec.id, session));
  session.onDetach(() => c.deps.events.container(rec, 'detach'));
  c.deps.events.container(rec, 'attach');
  if (rec.state.status === 'running') await session.connect(c.deps.runtime, rec.id);
  else c.attachments.add(rec.id, session);
  return session;
}
