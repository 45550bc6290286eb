import type { EventMessage } from '../../api/event.js';
import { GoMap, GoStruct } from '../template/go-value.js';

/**
 * An event as docker's templates see it: Go's `events.Message`, so `{{.Actor.ID}}`,
 * `{{.TimeNano}}` and `{{.Scope}}` work and `{{json .}}` prints Go's field order.
 */
export function eventValue(e: EventMessage): GoStruct {
  const attrs = e.Actor?.Attributes ?? {};
  const actor = new GoStruct('events.Actor', false, [
    { name: 'ID', json: 'ID', value: e.Actor?.ID ?? '' },
    { name: 'Attributes', json: 'Attributes', value: new GoMap(new Map(Object.entries(attrs)), () => '', attrs) },
  ], e.Actor ?? {});
  return new GoStruct('events.Message', false, [
    { name: 'Status', json: 'status', value: e.status ?? '', omitEmpty: true },
    { name: 'ID', json: 'id', value: e.id ?? '', omitEmpty: true },
    { name: 'From', json: 'from', value: e.from ?? '', omitEmpty: true },
    { name: 'Type', json: 'Type', value: e.Type },
    { name: 'Action', json: 'Action', value: e.Action },
    { name: 'Actor', json: 'Actor', value: actor },
    { name: 'Scope', json: 'scope', value: e.scope ?? '', omitEmpty: true },
    { name: 'Time', json: 'time', value: e.time ?? 0, omitEmpty: true },
    { name: 'TimeNano', json: 'timeNano', value: e.timeNano ?? 0, omitEmpty: true },
  ], e);
}
