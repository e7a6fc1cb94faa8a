// Connected social accounts of the caller: list them (never any token material), refresh one's access token now,
// disconnect one. Refresh and disconnect go through the account's accountLifecycle workflow, the only writer of its
// tokens: the API itself never writes a token after connect.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AccountCommandFailed, AccountCommands, accountCommandOptions } from '../../../../temporal/account-commands.js';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { runDescribeTargetOptions } from '../../../../temporal/target-options.js';
import { ApiError, conflict, notFound, unavailable } from '../../../errors.js';
import { errorBodySchema, errorResponses, idParamsSchema } from '../../../schemas/common.js';
import { findLoginSiblings, findOwnedAccount, listAccounts } from './account-repository.js';
import { accountSchema, disconnectBody, disconnectParams, presentAccount, refreshResultSchema, targetOptionsSchema } from './account-schemas.js';

const tags = ['accounts'];

const accountRoutes: FastifyPluginAsyncZod = async (app) => {
  const { db } = app.database;
  const commands = new AccountCommands(app.temporal.client, app.config.TEMPORAL_TASK_QUEUE, accountCommandOptions(app.config));

  app.get('/api/social/accounts', {
    schema: {
      tags, summary: 'List the connected social accounts (never any token material)',
      response: { 200: z.object({ data: z.array(accountSchema) }).describe('The caller\'s accounts'), ...errorResponses(401, 429) },
    },
  }, async (request) => ({ data: (await listAccounts(db, request.user.id)).map(presentAccount) }));

  app.post('/api/social/accounts/:id/refresh', {
    config: { idempotent: true },
    schema: {
      tags, summary: 'Refresh the account\'s access token now (through the account\'s workflow)',
      params: idParamsSchema,
      response: {
        200: refreshResultSchema.describe('What the account\'s workflow did'),
        ...errorResponses(400, 401, 404, 429, 503),
        502: errorBodySchema.describe('The platform\'s token endpoint kept failing; the workflow tries again later'),
      },
    },
  }, async (request) => {
    const account = await findOwnedAccount(db, request.user.id, request.params.id);
    if (!account) throw notFound('account');
    // A disconnected account has no tokens and no workflow; asking would only start one to say so.
    if (account.status === 'disconnected') return { status: 'disconnected' as const, ...(account.statusReason ? { reason: account.statusReason } : {}) };
    try {
      return await commands.refresh(
        { accountId: account.id, userId: account.userId, platform: account.platform },
        { reason: 'refresh requested through the API' },
      );
    } catch (err) {
      if (err instanceof AccountCommandFailed) throw new ApiError(502, 'refresh_failed', err.message);
      throw err;
    }
  });

  app.get('/api/social/accounts/:id/target-options', {
    schema: {
      tags, summary: 'The options a post target of this account takes, as a form, with the values the platform allows this account now',
      params: idParamsSchema,
      response: {
        200: targetOptionsSchema,
        ...errorResponses(400, 401, 404, 409, 429),
        502: errorBodySchema.describe('The platform refused or failed to say (e.g. an expired token)'),
      },
    },
  }, async (request) => {
    const account = await findOwnedAccount(db, request.user.id, request.params.id);
    if (!account) throw notFound('account');
    if (account.status !== 'active') {
      throw conflict(`the account is ${account.status}; reconnect it first`, [{ field: 'id', rule: 'account_inactive', message: account.statusReason ?? account.status }]);
    }
    try {
      return { fields: await runDescribeTargetOptions(app.temporal.client, app.config.TEMPORAL_TASK_QUEUE, account.id) };
    } catch (err) {
      if (!(err instanceof WorkflowFailedError)) throw err;
      const cause = err.cause?.cause ?? err.cause;
      const message = cause instanceof ApplicationFailure ? cause.message : err.message;
      throw new ApiError(502, 'platform_error', `the platform did not describe the options: ${message}`);
    }
  });

  app.post('/api/social/disconnect/:platform', {
    config: { idempotent: true },
    schema: {
      tags, summary: 'Disconnect an account (or its whole login): delete its tokens; the login is revoked at the platform (best effort) with its last account. Idempotent',
      params: disconnectParams,
      body: disconnectBody,
      response: { 200: accountSchema.describe('The account, now disconnected'), ...errorResponses(400, 401, 404, 429, 503) },
    },
  }, async (request) => {
    // An alias (`twitter`) names the same accounts as the platform's id (`x`).
    const platform = app.providers.canonicalId(request.params.platform);
    const { accountId, scope } = request.body;
    const account = await findOwnedAccount(db, request.user.id, accountId);
    if (!account || account.platform !== platform) throw notFound(`${platform} account ${accountId}`);
    // The whole login: its other accounts first, so the login is revoked with the one asked about, last.
    const siblings = scope === 'login' ? await findLoginSiblings(db, request.user.id, account) : [];
    for (const target of [...siblings, account]) {
      if (target.status === 'disconnected') continue;
      try {
        await commands.disconnect(
          { accountId: target.id, userId: account.userId, platform: target.platform },
          { reason: scope === 'login' ? 'the user disconnected the whole login' : 'disconnected by the user', revoke: true },
        );
      } catch (err) {
        if (err instanceof AccountCommandFailed) throw unavailable(`the account could not be disconnected: ${err.message}`);
        throw err;
      }
    }
    const now = await findOwnedAccount(db, request.user.id, accountId);
    if (!now) throw notFound(`${platform} account ${accountId}`);
    const { userId: _owner, ...view } = now;
    return presentAccount(view);
  });
};

export default accountRoutes;
