export { TestApiServer, fakeBackend, type LoggedLine } from './test-server.js';
export { injectRaw, injectRequest, openConnection, type InjectOptions, type InjectedResponse, type RawExchange } from './inject.js';
