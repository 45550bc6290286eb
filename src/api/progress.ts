/**
 * One line of Docker's JSON progress streams (pull, push, load): a status per layer id,
 * progress counts the docker CLI draws as bars, an error that ends a failed stream, and aux
 * results (the pushed digest).
 */
export interface JsonMessage {
  status?: string;
  progressDetail?: { current?: number; total?: number };
  /** The bar as text, for clients that print it instead of drawing progressDetail. */
  progress?: string;
  id?: string;
  errorDetail?: { message: string };
  error?: string;
  aux?: unknown;
}
