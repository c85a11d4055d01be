import { TokenRefused, dashboardData, operatorToken } from './api.js';
import { showBusinesses } from './businesses.js';
import { showLag } from './lag.js';
import { showOutcomes } from './outcomes.js';
import { periodQuery, periodText, showPeriod } from './period.js';
import { showRevenue } from './revenue.js';

const $ = (id) => document.getElementById(id);
const dashboard = $('dashboard');

function signedOut(reason) {
  operatorToken.clear();
  dashboard.hidden = true;
  dashboard.dataset.state = 'signed-out';
  $('sign-in').hidden = false;
  $('sign-in-error').hidden = !reason;
  $('sign-in-error').textContent = reason ? `The platform refused this token: ${reason}` : '';
  $('token').value = '';
  $('token').focus();
}

function status(text, isError = false) {
  $('status').textContent = text;
  $('status').classList.toggle('error', isError);
}

/** Fetches every section's figures at once and shows them; `data-state` says when they are on screen. */
async function load() {
  $('sign-in').hidden = true;
  dashboard.hidden = false;
  dashboard.dataset.state = 'loading';
  dashboard.setAttribute('aria-busy', 'true');
  status('Loading…');
  const period = periodQuery($('from'), $('to'));
  try {
    const [revenue, businesses, outcomes, lag] = await Promise.all([
      dashboardData('revenue', period),
      dashboardData('businesses', period),
      dashboardData('outcomes', period),
      dashboardData('lag'),
    ]);
    showPeriod($('from'), $('to'), revenue);
    showRevenue(revenue);
    showBusinesses(businesses);
    showOutcomes(outcomes);
    showLag(lag);
    status(`${periodText(revenue)} (UTC) · measured at ${lag.measured_at.replace('T', ' ').slice(0, 19)} platform time`);
    dashboard.dataset.state = 'ready';
  } catch (error) {
    if (error instanceof TokenRefused) return signedOut(error.message);
    status(error instanceof Error ? error.message : String(error), true);
    dashboard.dataset.state = 'error';
  } finally {
    dashboard.removeAttribute('aria-busy');
  }
}

$('sign-in-form').addEventListener('submit', (event) => {
  event.preventDefault();
  operatorToken.set($('token').value.trim());
  void load();
});
$('period-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void load();
});
$('sign-out').addEventListener('click', () => signedOut());

if (operatorToken.get()) void load();
else signedOut();
