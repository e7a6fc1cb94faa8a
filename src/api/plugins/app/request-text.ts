// Text hygiene for every route, before its schema sees the request: JSON bodies must be valid UTF-8 (decoded
// strictly instead of turning bad bytes into U+FFFD), query strings must be validly percent-encoded, and no string
// in the body, query or path parameters may hold U+0000 or a lone surrogate (validation/text-rules.ts). Each
// failure is a 400 naming the field and the rule, so such input never reaches Postgres or a platform.
import fp from 'fastify-plugin';
import { invalid, validationFailed } from '../../errors.js';
import { badlyEncodedQueryKeys, textIssues } from '../../validation/text-rules.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export default fp(async (app) => {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    let text: string;
    try {
      text = strictUtf8.decode(body as Buffer);
    } catch {
      done(invalid('body', 'invalid_utf8', 'the body is not valid UTF-8'), undefined);
      return;
    }
    parseJson(request, text, done);
  });

  app.addHook('preValidation', async (request) => {
    const rawUrl = request.raw.url ?? '';
    const queryStart = rawUrl.indexOf('?');
    const issues = queryStart === -1 ? [] : badlyEncodedQueryKeys(rawUrl.slice(queryStart + 1)).map((field) =>
      ({ field, rule: 'percent_encoding', message: 'the query parameter is not validly percent-encoded UTF-8' }));
    issues.push(
      ...textIssues(request.params, 'params'),
      ...textIssues(request.query, 'querystring'),
      ...textIssues(request.body, 'body'),
    );
    if (issues.length > 0) throw validationFailed(issues);
  });
}, { name: 'request-text' });
