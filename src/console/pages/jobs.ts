/**
 * The Jobs page: a card per job with its state, schedules (a preset or a custom cron, its next run times), the
 * facility group chosen among the CHANNEL_FAC_GROUP groups, Run now (parameters in a dialog, then a confirmation),
 * pause/resume, skip once and remove; and the same as JSON under /api/jobs. Every change goes through job control.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { JOB_NAMES } from '../../composition/job-catalogue.ts';
import {
  PRESET_NAMES,
  type JobCard,
  type JobControlProblem,
  type JobSchedule,
  type ScheduleKey,
  type SchedulePreset,
} from '../../composition/job-control.ts';
import type { JobName } from '../../composition/jobs.ts';
import type { ConsoleDeps } from '../deps.ts';
import { badge, formatRelative, formatTime, parameterChips, problemStatus } from '../format.ts';
import { csrfField, html, type Html } from '../html.ts';
import { isId, sendFragment, sendPage, sendProblem } from '../http.ts';

/** What each preset reads as on the page. */
export const PRESET_LABELS: Readonly<Record<SchedulePreset, string>> = {
  'every-5-minutes': 'Every 5 minutes',
  'every-15-minutes': 'Every 15 minutes',
  'every-30-minutes': 'Every 30 minutes',
  hourly: 'Hourly',
  'every-6-hours': 'Every 6 hours',
  daily: 'Daily',
};

/** How a parameter is asked for on a form. */
const PARAMETER_LABELS: Readonly<Record<string, string>> = {
  facilityGroupId: 'Facility group',
  sample: 'Sample size',
  all: 'Remap every product',
};

const jobParams = {
  schema: {
    params: {
      type: 'object',
      properties: { job: { type: 'string', enum: [...JOB_NAMES] } },
      required: ['job'],
      additionalProperties: false,
    },
  },
};

type Body = Readonly<Record<string, unknown>>;
const text = (body: Body, name: string): string => {
  const v = body[name];
  return typeof v === 'string' ? v.trim() : '';
};

/** The parameters a form (or a JSON body's `parameters`) gives for a card: only the job's own, blank ones left out. */
export const parametersFrom = (card: Pick<JobCard, 'parameters'>, body: Body): Record<string, string> => {
  const source = typeof body.parameters === 'object' && body.parameters !== null ? (body.parameters as Body) : body;
  const out: Record<string, string> = {};
  for (const name of [...card.parameters.required, ...card.parameters.optional]) {
    const v = source[name];
    const value = typeof v === 'string' ? v.trim() : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
    if (value !== '') out[name] = value;
  }
  return out;
};

/** The schedule key a form names (the facility group, or '' for a job without one), if it is a valid one. */
const keyFrom = (job: JobName, body: Body): ScheduleKey | null => {
  const key = text(body, 'key');
  return key === '' || isId(key) ? { job, key } : null;
};

const parameterInput = (card: JobCard, name: string, required: boolean, idPrefix: string): Html => {
  const label = PARAMETER_LABELS[name] ?? name;
  const id = `${idPrefix}-${name}`;
  if (name === 'facilityGroupId')
    return html`<label for="${id}">${label}${required ? ' (required)' : ''}
<select id="${id}" name="facilityGroupId"${required ? html` required` : ''}>
<option value="">Choose a channel group…</option>
${card.facilityGroups.map((g) => html`<option value="${g}">${g}</option>`)}
</select></label>`;
  if (name === 'all')
    return html`<label for="${id}"><span><input id="${id}" type="checkbox" name="all" value="true"> ${label}</span></label>`;
  return html`<label for="${id}">${label}${required ? ' (required)' : ''}
<input id="${id}" name="${name}"${name === 'sample' ? html` inputmode="numeric" pattern="[1-9][0-9]*"` : ''}${required ? html` required` : ''}></label>`;
};

// A required parameter no schedule gives yet is marked missing (red); one every schedule gives, plain.
const requiredChips = (card: JobCard): Html =>
  card.parameters.required.length === 0
    ? html``
    : html`<p class="chips">Needs: ${card.parameters.required.map((p) => {
        const given = card.schedules.length > 0 && card.schedules.every((s) => (s.parameters[p] ?? '') !== '');
        return html`<span class="chip${given ? '' : ' missing'}">${PARAMETER_LABELS[p] ?? p}</span>`;
      })}</p>`;

const scheduleLabel = (s: JobSchedule): string =>
  s.preset === null ? `Custom: ${s.cron}` : `${PRESET_LABELS[s.preset]} (${s.cron})`;

const scheduleAction = (
  card: JobCard,
  s: JobSchedule,
  token: string,
  action: string,
  label: string,
  extra: Html = html``,
): Html =>
  html`<form class="inline" method="post" action="/jobs/${card.job}/schedules/${action}"${
    action === 'remove' ? html` data-confirm="${`Remove the schedule ${scheduleLabel(s)} of ${card.title}?`}"` : ''
  }>${csrfField(token)}<input type="hidden" name="key" value="${s.key}">${extra}<button type="submit">${label}</button></form>`;

const scheduleRow = (card: JobCard, s: JobSchedule, token: string, now: Date, canChange: boolean): Html => html`
<li class="schedule" data-key="${s.key}">
  <div>${badge(s.state)} <strong>${scheduleLabel(s)}</strong> ${parameterChips(s.parameters)} <span class="muted">${s.timezone}</span></div>
  ${
    s.nextRuns.length === 0
      ? html`<p class="muted">No next runs${s.state === 'paused' ? ' (paused)' : ''}.</p>`
      : html`<div class="muted">Next runs:</div><ul class="times next-runs">${s.nextRuns.map(
          (at, i) =>
            html`<li><time datetime="${at.toISOString()}">${formatTime(at)}</time> <span class="muted">${formatRelative(at, now)}</span>${
              i === 0 && s.skipNext ? html` <span class="badge skipped">skipped once</span>` : ''
            }</li>`,
        )}</ul>`
  }
  ${s.changedBy === null ? '' : html`<p class="muted">Changed by ${s.changedBy}${s.changedAt === null ? '' : html` at ${formatTime(s.changedAt)}`}</p>`}
  ${
    canChange
      ? html`<div class="actions">
    ${s.state === 'active' ? scheduleAction(card, s, token, 'pause', 'Pause') : scheduleAction(card, s, token, 'resume', 'Resume')}
    ${
      s.state === 'active'
        ? scheduleAction(
            card,
            s,
            token,
            'skip',
            s.skipNext ? 'Do not skip' : 'Skip once',
            html`<input type="hidden" name="skip" value="${s.skipNext ? 'false' : 'true'}">`,
          )
        : ''
    }
    ${scheduleAction(card, s, token, 'remove', 'Remove')}
  </div>`
      : ''
  }
</li>`;

const scheduleForm = (card: JobCard, token: string): Html => html`
<details class="schedule-form">
<summary>Add or change a schedule</summary>
<form class="stack" method="post" action="/jobs/${card.job}/schedules">
  ${csrfField(token)}
  <label for="${card.job}-frequency">Frequency
  <select id="${card.job}-frequency" name="preset">
    ${card.presets.map((p) => html`<option value="${p}">${PRESET_LABELS[p]}</option>`)}
    <option value="custom">Custom cron…</option>
  </select></label>
  <label for="${card.job}-cron">Custom cron (used when the frequency is "Custom cron")
  <input id="${card.job}-cron" name="cron" placeholder="*/15 * * * *" autocomplete="off"
    hx-get="/jobs/${card.job}/preview" hx-trigger="keyup changed delay:400ms" hx-target="#${card.job}-preview" hx-swap="innerHTML"></label>
  <div id="${card.job}-preview" class="muted" aria-live="polite"></div>
  ${card.parameters.required.map((p) => parameterInput(card, p, true, `${card.job}-schedule`))}
  ${card.parameters.optional.filter((p) => p !== 'all').map((p) => parameterInput(card, p, false, `${card.job}-schedule`))}
  <div class="actions"><button class="primary" type="submit">Save schedule</button></div>
  ${card.slow ? html`<p class="muted">A slow job: hourly or less often.</p>` : ''}
</form>
</details>`;

const runNowDialog = (card: JobCard, token: string, inProcess: boolean): Html => html`
<dialog id="run-${card.job}" class="run-now">
<form class="stack" method="post" action="/jobs/${card.job}/run" data-confirm="${`Run ${card.title} now?${inProcess ? ' It runs in the console’s process.' : ' It is queued for the workers.'}`}">
  ${csrfField(token)}
  <h2>Run ${card.title} now</h2>
  ${card.parameters.required.map((p) => parameterInput(card, p, true, `${card.job}-run`))}
  ${card.parameters.optional.map((p) => parameterInput(card, p, false, `${card.job}-run`))}
  <div class="actions"><button class="primary" type="submit">Run now</button> <button type="button" data-close-dialog>Cancel</button></div>
</form>
</dialog>`;

/** One job's card. */
export const jobCard = (card: JobCard, token: string, now: Date, schedulesShared: boolean): Html => html`
<section class="card job" id="job-${card.job}" data-job="${card.job}">
<h2>${card.title} ${badge(card.state)}</h2>
<p class="muted">${card.job}${card.slow ? ' · slow job: hourly or slower' : ''}</p>
${requiredChips(card)}
${
  card.lastRun === null
    ? html`<p class="muted">Never run.</p>`
    : html`<p>Last run: <a href="/runs/${card.lastRun.runId}">${formatTime(card.lastRun.startedAt)}</a> ${badge(card.lastRun.outcome)}</p>`
}
${
  card.schedules.length === 0
    ? html`<p class="muted">No schedule.</p>`
    : html`<ul class="schedules">${card.schedules.map((s) => scheduleRow(card, s, token, now, schedulesShared))}</ul>`
}
${schedulesShared ? scheduleForm(card, token) : ''}
<div class="actions"><button class="primary" type="button" data-open-dialog="run-${card.job}">Run now…</button> <a href="/pipeline?job=${card.job}">History</a></div>
${runNowDialog(card, token, !schedulesShared)}
</section>`;

const NOTICES: Readonly<Record<string, string>> = {
  saved: 'Schedule saved.',
  paused: 'Schedule paused.',
  resumed: 'Schedule resumed.',
  skipped: 'The next run will be skipped.',
  unskipped: 'The next run will run.',
  removed: 'Schedule removed.',
  reset: "Every schedule is the settings file's again.",
};

const jobsBody =
  (cards: ReadonlyArray<JobCard>, schedulesShared: boolean, now: Date, notice: string | null, problem: string | null) =>
  (token: string): Html =>
    html`
${problem === null ? '' : html`<p class="problem" role="alert">${problem}</p>`}
${notice === null ? '' : html`<p class="notice" role="status">${notice}</p>`}
${
  schedulesShared
    ? html`<p class="muted">Schedules live in the database (pg-boss): every worker shares them, and a change takes effect without a restart. The settings file only seeds them.</p>
<form method="post" action="/jobs/schedules/reset" data-confirm="Replace every schedule with the settings file's? Schedules added here, pauses and skip marks are dropped.">${csrfField(token)}<button type="submit">Reset to the settings file</button></form>`
    : html`<p class="notice">Schedules need the PostgreSQL store: on this SQLite store the worker runs the settings file's schedules, and Run now runs the job in the console's process.</p>`
}
<div class="cards">${cards.map((c) => jobCard(c, token, now, schedulesShared))}</div>`;

/** Registers the Jobs page, its forms, the cron preview and the /api/jobs routes. */
export const registerJobsPages = (app: FastifyInstance, deps: ConsoleDeps): void => {
  const { jobs } = deps;
  const userOf = (request: FastifyRequest): string => request.consoleSession?.user ?? 'console';

  const showJobs = async (
    request: FastifyRequest,
    reply: FastifyReply,
    notice: string | null,
    problem: JobControlProblem | null,
  ) => {
    const cards = await jobs.cards();
    if (cards._tag === 'Left')
      return sendProblem(request, reply, problemStatus(cards.left), 'Jobs', cards.left.message);
    return sendPage(request, reply, {
      title: 'Jobs',
      nav: 'jobs',
      status: problem === null ? 200 : problemStatus(problem),
      body: jobsBody(cards.right, jobs.schedulesShared, deps.now(), notice, problem?.message ?? null),
    });
  };

  const cardOf = async (job: JobName): Promise<JobCard | null> => {
    const cards = await jobs.cards();
    return cards._tag === 'Left' ? null : (cards.right.find((c) => c.job === job) ?? null);
  };

  app.get('/jobs', (request, reply) => {
    const done = (request.query as Record<string, unknown>).done;
    return showJobs(request, reply, typeof done === 'string' ? (NOTICES[done] ?? null) : null, null);
  });

  // A form's change: done -> back to the page with a notice (303), refused -> the page with the reason.
  const formAction =
    (
      act: (
        job: JobName,
        body: Body,
        by: string,
      ) => Promise<{ _tag: 'Left'; left: JobControlProblem } | { _tag: 'Right'; right: string }>,
    ) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      const { job } = request.params as { job: JobName };
      const result = await act(job, (request.body ?? {}) as Body, userOf(request));
      if (result._tag === 'Left') return showJobs(request, reply, null, result.left);
      // A skip asked for on the Pipeline page goes back there.
      if (text((request.body ?? {}) as Body, 'back') === 'pipeline') return reply.redirect(`/pipeline?job=${job}`, 303);
      return reply.redirect(`/jobs?done=${result.right}#job-${job}`, 303);
    };
  const invalidKey = (): { _tag: 'Left'; left: JobControlProblem } => ({
    _tag: 'Left',
    left: { _tag: 'ParametersInvalid', message: 'That schedule key is not valid.', problems: ['key'] },
  });

  const saveSchedule = async (job: JobName, body: Body, by: string) => {
    const card = await cardOf(job);
    if (card === null)
      return { _tag: 'Left', left: { _tag: 'JobControlFailed', message: 'The jobs could not be read.' } } as const;
    const preset = text(body, 'preset');
    const cron = text(body, 'cron');
    const schedule =
      preset !== '' && preset !== 'custom'
        ? (PRESET_NAMES as ReadonlyArray<string>).includes(preset)
          ? { preset: preset as SchedulePreset }
          : null
        : { cron };
    if (schedule === null)
      return {
        _tag: 'Left',
        left: { _tag: 'ParametersInvalid', message: `Unknown frequency '${preset}'.`, problems: ['preset'] },
      } as const;
    const saved = await jobs.setSchedule({ job, parameters: parametersFrom(card, body), schedule, by });
    return saved._tag === 'Left' ? saved : ({ _tag: 'Right', right: saved.right } as const);
  };
  const keyAction =
    (run: (key: ScheduleKey, by: string, body: Body) => ReturnType<typeof jobs.pause>, done: (body: Body) => string) =>
    async (job: JobName, body: Body, by: string) => {
      const key = keyFrom(job, body);
      if (key === null) return invalidKey();
      const result = await run(key, by, body);
      return result._tag === 'Left' ? result : ({ _tag: 'Right', right: done(body) } as const);
    };
  const pause = keyAction(
    (k, by) => jobs.pause(k, by),
    () => 'paused',
  );
  const resume = keyAction(
    (k, by) => jobs.resume(k, by),
    () => 'resumed',
  );
  const skip = keyAction(
    (k, by, body) => jobs.skipOnce(k, by, text(body, 'skip') !== 'false'),
    (body) => (text(body, 'skip') === 'false' ? 'unskipped' : 'skipped'),
  );
  const remove = keyAction(
    (k, by) => jobs.removeSchedule(k, by),
    () => 'removed',
  );
  const runNow = async (job: JobName, body: Body, by: string) => {
    const card = await cardOf(job);
    if (card === null)
      return { _tag: 'Left', left: { _tag: 'JobControlFailed', message: 'The jobs could not be read.' } } as const;
    return jobs.runNow({ job, parameters: parametersFrom(card, body), by });
  };

  app.post(
    '/jobs/:job/schedules',
    jobParams,
    formAction(async (j, b, by) => {
      const r = await saveSchedule(j, b, by);
      return r._tag === 'Left' ? r : { _tag: 'Right', right: 'saved' };
    }),
  );
  // Every schedule back to the settings file's (the seed): a global action, not a job's.
  app.post('/jobs/schedules/reset', async (request, reply) => {
    const reset = await jobs.resetSchedules(userOf(request));
    if (reset._tag === 'Left') return showJobs(request, reply, null, reset.left);
    return reply.redirect('/jobs?done=reset', 303);
  });
  app.post('/jobs/:job/schedules/pause', jobParams, formAction(pause));
  app.post('/jobs/:job/schedules/resume', jobParams, formAction(resume));
  app.post('/jobs/:job/schedules/skip', jobParams, formAction(skip));
  app.post('/jobs/:job/schedules/remove', jobParams, formAction(remove));
  app.post('/jobs/:job/run', jobParams, async (request, reply) => {
    const { job } = request.params as { job: JobName };
    const started = await runNow(job, (request.body ?? {}) as Body, userOf(request));
    if (started._tag === 'Left') return showJobs(request, reply, null, started.left);
    return reply.redirect(
      started.right.kind === 'started' ? `/runs/${started.right.runId}` : `/pipeline?job=${job}&queued=1`,
      303,
    );
  });

  // The next run times of a custom cron as it is typed (an htmx fragment).
  app.get('/jobs/:job/preview', jobParams, (request, reply) => {
    const { job } = request.params as { job: JobName };
    const cron = String((request.query as Record<string, unknown>).cron ?? '').trim();
    if (cron === '') return sendFragment(reply, html``);
    const times = jobs.preview(job, cron, 3);
    const now = deps.now();
    return sendFragment(
      reply,
      times._tag === 'Left'
        ? html`<span class="problem">${times.left.message}</span>`
        : html`Next: ${times.right.map((t, i) => html`${i === 0 ? '' : ' · '}${formatTime(t)} (${formatRelative(t, now)})`)}`,
    );
  });

  // The JSON API: the same data and actions, the same sign-in and CSRF rules.
  const json = (
    reply: FastifyReply,
    result: { _tag: 'Left'; left: JobControlProblem } | { _tag: 'Right'; right: unknown },
    status = 200,
  ) =>
    result._tag === 'Left'
      ? reply.code(problemStatus(result.left)).send({ error: { status: problemStatus(result.left), ...result.left } })
      : reply.code(status).send(result.right ?? { ok: true });
  app.get('/api/jobs', async (_request, reply) => {
    const cards = await jobs.cards();
    return json(
      reply,
      cards._tag === 'Left'
        ? cards
        : { _tag: 'Right', right: { schedulesShared: jobs.schedulesShared, jobs: cards.right } },
    );
  });
  const apiAction =
    (
      act: (
        job: JobName,
        body: Body,
        by: string,
      ) => Promise<{ _tag: 'Left'; left: JobControlProblem } | { _tag: 'Right'; right: unknown }>,
      status = 200,
    ) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      const { job } = request.params as { job: JobName };
      return json(reply, await act(job, (request.body ?? {}) as Body, userOf(request)), status);
    };
  app.put('/api/jobs/:job/schedules', jobParams, apiAction(saveSchedule));
  app.post('/api/jobs/schedules/reset', async (request, reply) =>
    json(reply, await jobs.resetSchedules(userOf(request))),
  );
  app.post('/api/jobs/:job/schedules/pause', jobParams, apiAction(pause));
  app.post('/api/jobs/:job/schedules/resume', jobParams, apiAction(resume));
  app.post('/api/jobs/:job/schedules/skip', jobParams, apiAction(skip));
  app.post('/api/jobs/:job/schedules/remove', jobParams, apiAction(remove));
  app.post('/api/jobs/:job/run', jobParams, apiAction(runNow, 202));
};
