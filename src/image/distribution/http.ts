// The timed HTTP call lives in lib/ so the registry's pull-through cache shares it with pulls.
export { httpCall, readBody, describeHttpError, RegistryConnectionError, type HttpCallOptions } from '../../lib/http/call.js';
