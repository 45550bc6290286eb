// The parser lives in lib/ so the registry's pull-through cache can answer upstream challenges too.
export { parseWwwAuthenticate, preferredChallenge, type AuthChallenge } from '../../lib/http/www-authenticate.js';
