import { ConflictError, NotFoundError, NotModifiedError } from '../../lib/errors/index.js';

// Messages below copy Docker's wording because scripts and the docker CLI match on them.

export class NoSuchContainerError extends NotFoundError {
  override readonly code = 'ERR_CONTAINER_NOT_FOUND';
  constructor(ref: string) {
    super(`No such container: ${ref}`);
  }
}

export class ContainerNameConflictError extends ConflictError {
  override readonly code = 'ERR_CONTAINER_NAME_IN_USE';
  constructor(name: string, id: string) {
    super(`Conflict. The container name "/${name}" is already in use by container "${id}". You have to remove (or rename) that container to be able to reuse that name.`);
  }
}

export class ContainerNotRunningError extends ConflictError {
  override readonly code = 'ERR_CONTAINER_NOT_RUNNING';
  constructor(id: string) {
    super(`Container ${id} is not running`);
  }
}

export class ContainerPausedError extends ConflictError {
  override readonly code = 'ERR_CONTAINER_PAUSED';
  constructor(id: string, action: string) {
    super(`cannot ${action} container ${id}: container is paused - unpause it first`);
  }
}

export class AlreadyStartedError extends NotModifiedError {
  override readonly code = 'ERR_CONTAINER_ALREADY_STARTED';
  constructor(id: string) {
    super(`container ${id} is already running`);
  }
}

export class AlreadyStoppedError extends NotModifiedError {
  override readonly code = 'ERR_CONTAINER_ALREADY_STOPPED';
  constructor(id: string) {
    super(`container ${id} is already stopped`);
  }
}
