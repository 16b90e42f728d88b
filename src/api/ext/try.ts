/**
 * "Try before you page": alertrouter's own HTTP endpoints (not Alertmanager's) under
 * `/api/ext/v1`, to see what a notification will look like and whether a receiver works
 * before a real alert depends on it.
 *
 *   POST /templates/render        {template, html?, data? | groupKey? | receiver?} → {output}
 *   GET  /templates/data          [?groupKey=K | ?receiver=R] → the group's template data as
 *                                 JSON (the webhook message form; what `template render
 *                                 --template.data` and amtool read)
 *   POST /receivers/{name}/test   {alerts? | groupKey?} → [{integration, index, ok, error?, latencyMs, alerts}]
 *
 * Without data, groupKey or receiver the built-in sample group is used. Errors are thrown as
 * ApiError for the app's error middleware and answer `{"code", "message"}` as every error under
 * /api/ext/v1 does (400 bad request, 404 unknown receiver or group, 405, 413); template errors
 * add where: `{"code", "message", "template", "line", "column"}`.
 */
import express, { type Request, type Router } from 'express';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { lazy, zod } from '../../util/lazy.js';
import type { Alert } from '../../alert/alert.js';
import type { Labels } from '../../labels/labels.js';
import type { Notifier } from '../../notify/notifier.js';
import { sendTestNotification, type TestSendGroup } from '../../notify/test-send.js';
import { buildWebhookPayload, encodeGoJson, type WebhookPayload } from '../../notify/webhook.js';
import { buildTemplateData, templateDataFromJson } from '../../template/data.js';
import { sampleGroup } from '../../template/sample.js';
import { TemplateError, type Templates } from '../../template/template.js';
import type { GoStruct } from '../../template/values.js';
import type { Clock } from '../../util/clock.js';
import { ApiError, methodNotAllowed } from '../errors.js';
import { decodePostableAlerts, prepareAlerts, type PreparedAlerts } from '../v2/postable.js';

/** One aggregation group as the dispatcher holds it (dispatch/dispatcher.ts AlertGroupView satisfies it). */
export interface TryAlertGroup {
  readonly groupKey: string;
  readonly receiver: string;
  readonly labels: Labels;
  readonly alerts: readonly Alert[];
}

/** A route as the test endpoint uses it to group custom alerts (dispatch/route.ts Route satisfies it). */
export interface TryRoute {
  readonly receiver: string;
  groupLabels(labels: Labels): Labels;
  groupKey(labels: Labels): string;
}

/** What the endpoints read from the configuration in force (read per request, so reloads show). */
export interface TryConfigView {
  readonly templates: Templates;
  /** Receiver name → its integrations (notify/build.ts buildIntegrations). */
  readonly integrations: ReadonlyMap<string, readonly Notifier[]>;
  readonly resolveTimeoutMs: number;
  /** Routes the label set matches, in routing order (Route.match). */
  match(labels: Labels): readonly TryRoute[];
}

export interface TryApiDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  /** --web.external-url as resolved (`.ExternalURL` in templates). */
  readonly externalURL: string;
  current(): TryConfigView;
  /** The dispatcher's aggregation groups now, in its order. */
  groups(): Iterable<TryAlertGroup>;
  readonly maxBodyBytes?: number;
  /** Each test send is aborted after this long (default 30 s). */
  readonly testTimeoutMs?: number;
}

/** A refused request, in the `{"code", "message"}` shape of every /api/ext/v1 error. */
function refused(status: 400 | 404, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}): ApiError {
  return new ApiError(status, message, { shape: 'openapi', ...options });
}

/** Where the data comes from; at most one of them (none: the sample group). */
export interface DataSelector {
  /** template.Data in its JSON form. */
  readonly data?: unknown;
  readonly groupKey?: string;
  readonly receiver?: string;
}

/**
 * The group a selector names among `groups`: the group with that key, or the first group (in
 * the dispatcher's order) of that receiver; undefined for neither. Throws ApiError 404 when
 * there is no such group (or no such receiver, when `receivers` knows them all). Pure.
 */
export function findGroup(
  selector: Pick<DataSelector, 'groupKey' | 'receiver'>,
  groups: Iterable<TryAlertGroup>,
  receivers: ReadonlySet<string>,
): TryAlertGroup | undefined {
  const { groupKey, receiver } = selector;
  if (groupKey !== undefined) {
    for (const g of groups) if (g.groupKey === groupKey) return g;
    throw refused(404, `no alert group with key ${JSON.stringify(groupKey)} (GET /api/v2/alerts/groups or a webhook's groupKey shows the current ones)`);
  }
  if (receiver !== undefined) {
    if (!receivers.has(receiver)) throw unknownReceiver(receiver, receivers);
    for (const g of groups) if (g.receiver === receiver) return g;
    throw refused(404, `receiver ${JSON.stringify(receiver)} has no alert group now (post an alert routed to it, or render the sample data)`);
  }
  return undefined;
}

function unknownReceiver(name: string, receivers: ReadonlySet<string>): ApiError {
  const known = [...receivers].slice(0, 20).map((r) => JSON.stringify(r));
  const more = receivers.size > known.length ? ', …' : '';
  return refused(404, `receiver ${JSON.stringify(name)} not found (configured: ${known.join(', ')}${more})`);
}

function onlyOne(selector: DataSelector): void {
  const given = (['data', 'groupKey', 'receiver'] as const).filter((k) => selector[k] !== undefined);
  if (given.length > 1) throw refused(400, `give at most one of data, groupKey and receiver (got ${given.join(' and ')})`);
}

/** Built on first use (util/lazy.ts: zod is not loaded at startup). */
const schemas = lazy(() => {
  const { z } = zod();
  const renderSchema = z.strictObject({
    template: z.string(),
    html: z.boolean().optional(),
    data: z.record(z.string(), z.unknown()).optional(),
    groupKey: z.string().optional(),
    receiver: z.string().optional(),
  });
  const testSchema = z.strictObject({
    alerts: z.array(z.unknown()).min(1).optional(),
    groupKey: z.string().optional(),
  });
  return { renderSchema, testSchema };
});

function parseBody<T>(text: string, schema: z.ZodType<T>, what: string, want: string): T {
  let raw: unknown;
  try {
    raw = text.trim() === '' ? {} : JSON.parse(text);
  } catch (err) {
    throw refused(400, `${what}: body is not JSON: ${(err as Error).message} (want ${want})`, { cause: err });
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.length > 0 ? issue.path.map(String).join('.') : 'body';
    throw refused(400, `${what}: ${path}: ${issue.message} (want ${want})`);
  }
  return parsed.data;
}

function renderError(err: TemplateError): ApiError {
  return refused(400, err.message, { cause: err, details: { template: err.templateName, line: err.line, column: err.column } });
}

/** The routes, to mount at `<route prefix>/api/ext/v1`. */
export function tryRouter(deps: TryApiDeps): Router {
  const { clock, logger, externalURL } = deps;
  const router = express.Router({ caseSensitive: true });
  const body = express.text({ type: () => true, limit: deps.maxBodyBytes ?? 16 * 1024 * 1024 });

  const receiverNames = (view: TryConfigView): Set<string> => new Set(view.integrations.keys());

  // The named group, or the sample group when the selector names none.
  const selectGroup = (view: TryConfigView, selector: DataSelector, nowMs: number): TryAlertGroup => {
    const group = findGroup(selector, deps.groups(), receiverNames(view));
    if (group !== undefined) return group;
    const sample = sampleGroup({ nowMs });
    return { groupKey: sample.groupKey, receiver: sample.receiver, labels: sample.groupLabels, alerts: sample.alerts };
  };

  const dataOf = (view: TryConfigView, group: TryAlertGroup, nowMs: number): GoStruct =>
    buildTemplateData({
      receiver: group.receiver,
      alerts: group.alerts,
      groupLabels: group.labels,
      externalURL,
      nowMs,
      resolveTimeoutMs: view.resolveTimeoutMs,
    });

  router
    .route('/templates/render')
    .post(body, (req, res) => {
      const input = parseBody(String(req.body ?? ''), schemas().renderSchema, 'rendering template failed', '{"template": "…", "html"?: bool, "data"? | "groupKey"? | "receiver"?}');
      onlyOne(input);
      const view = deps.current();
      const nowMs = clock.nowMs();
      let data: GoStruct;
      if (input.data !== undefined) {
        try {
          data = templateDataFromJson(input.data);
        } catch (err) {
          throw refused(400, `rendering template failed: data: ${(err as Error).message}`, { cause: err });
        }
      } else {
        data = dataOf(view, selectGroup(view, input, nowMs), nowMs);
      }
      let output: string;
      try {
        output = input.html ? view.templates.executeHtml(input.template, data, { nowMs }) : view.templates.executeText(input.template, data, { nowMs });
      } catch (err) {
        if (err instanceof TemplateError) throw renderError(err);
        throw err;
      }
      res.status(200).type('application/json').send(JSON.stringify({ output }) + '\n');
    })
    .all(methodNotAllowed('POST'));

  router
    .route('/templates/data')
    .get((req, res) => {
      const selector = { groupKey: queryString(req, 'groupKey'), receiver: queryString(req, 'receiver') };
      onlyOne(selector);
      const nowMs = clock.nowMs();
      const chosen = selectGroup(deps.current(), selector, nowMs);
      const payload: WebhookPayload = buildWebhookPayload(
        { groupKey: chosen.groupKey, groupLabels: chosen.labels, receiverName: chosen.receiver },
        chosen.alerts,
        { externalURL, maxAlerts: 0, nowMs },
      );
      res.status(200).type('application/json').send(encodeGoJson(payload));
    })
    .all(methodNotAllowed('GET,HEAD'));

  router
    .route('/receivers/:name/test')
    .post(body, async (req, res) => {
      const name = String(req.params.name);
      const input = parseBody(String(req.body ?? ''), schemas().testSchema, 'test notification failed', '{"alerts"?: [postable alerts] | "groupKey"?: "…"}');
      if (input.alerts !== undefined && input.groupKey !== undefined) {
        throw refused(400, 'give at most one of alerts and groupKey (got both)');
      }
      const view = deps.current();
      const notifiers = view.integrations.get(name);
      if (notifiers === undefined) throw unknownReceiver(name, receiverNames(view));
      const nowMs = clock.nowMs();
      let group: TestSendGroup;
      if (input.groupKey !== undefined) {
        const g = findGroup({ groupKey: input.groupKey }, deps.groups(), receiverNames(view))!;
        group = { groupKey: g.groupKey, groupLabels: g.labels, alerts: g.alerts };
      } else if (input.alerts !== undefined) {
        group = customGroup(name, input.alerts, view, nowMs);
      } else {
        group = sampleGroup({ nowMs, receiver: name });
      }
      // Ends the sends when the client goes away before they finished.
      const gone = new AbortController();
      res.on('close', () => {
        if (!res.writableFinished) gone.abort(new Error('client closed the request'));
      });
      const outcomes = await sendTestNotification({
        receiver: name,
        notifiers,
        group,
        clock,
        logger,
        signal: gone.signal,
        ...(deps.testTimeoutMs !== undefined ? { timeoutMs: deps.testTimeoutMs } : {}),
      });
      res.status(200).type('application/json').send(JSON.stringify(outcomes) + '\n');
    })
    .all(methodNotAllowed('POST'));

  return router;
}

/**
 * Custom alerts for a test notification, checked as POST /api/v2/alerts checks them and
 * grouped as the receiver's first route for the first alert would group them (so the group
 * key and labels look like a real flush's); alerts no route of the receiver takes get the
 * root route's form `{}:{}`.
 */
function customGroup(receiver: string, raw: readonly unknown[], view: TryConfigView, nowMs: number): TestSendGroup {
  let prepared: PreparedAlerts;
  try {
    prepared = prepareAlerts(decodePostableAlerts(JSON.stringify(raw)), { nowMs, resolveTimeoutMs: view.resolveTimeoutMs });
  } catch (err) {
    // API v2's own refusals (422 for a missing field …) become this endpoint's 400.
    throw refused(400, `test notification failed: alerts: ${(err as Error).message}`, { cause: err });
  }
  if (prepared.errors.length > 0) throw refused(400, `test notification failed: ${prepared.errors.join('; ')}`);
  const alerts: Alert[] = prepared.valid;
  const first = alerts[0]!;
  const route = view.match(first.labels).find((r) => r.receiver === receiver);
  if (route === undefined) return { groupKey: '{}:{}', groupLabels: {}, alerts };
  return { groupKey: route.groupKey(first.labels), groupLabels: route.groupLabels(first.labels), alerts };
}

function queryString(req: Request, name: string): string | undefined {
  const v = req.query[name];
  return typeof v === 'string' ? v : undefined;
}
