// Starts report jobs, follows each one over server-sent events, and cancels on request.
"use strict";

const terminal = new Set(["Succeeded", "Failed", "Cancelled"]);
const list = document.getElementById("jobs");
const template = document.getElementById("job-template");
const streams = new Map();

function rowFor(job) {
  let row = list.querySelector(`[data-job-id="${job.id}"]`);
  if (!row) {
    row = template.content.firstElementChild.cloneNode(true);
    row.dataset.jobId = job.id;
    row.dataset.name = job.name ?? "";
    row.querySelector(".name").textContent = job.name ?? "(unnamed)";
    row.querySelector(".id").textContent = job.id.slice(-8);
    row.querySelector(".id").title = job.id;
    row.querySelector(".cancel").addEventListener("click", () => cancel(job.id, row));
    // Newest first, like the API's listing.
    list.prepend(row);
    document.getElementById("empty").hidden = true;
  }
  return row;
}

function render(job) {
  const row = rowFor(job);
  // Snapshots can arrive out of order (a response to a request and the event stream race):
  // a job that has ended never goes back.
  if (terminal.has(row.dataset.status) && !terminal.has(job.status)) return;
  const percent = job.status === "Succeeded" ? 100 : Math.round(job.progress?.percent ?? 0);
  row.dataset.status = job.status;
  row.querySelector(".status").textContent = job.status;
  const bar = row.querySelector(".bar");
  bar.style.width = `${percent}%`;
  bar.setAttribute("aria-valuenow", String(percent));
  row.querySelector(".percent").textContent = `${percent}%`;
  row.querySelector(".message").textContent =
    job.status === "Succeeded" ? `done: ${job.result ?? ""}`
    : job.status === "Cancelled" && !job.error ? `cancelled at ${job.progress?.message ?? "the start"}`
    : job.error ? job.error.message
    : job.progress?.message ?? "";
  row.querySelector(".cancel").disabled = terminal.has(job.status);
}

function follow(id) {
  if (streams.has(id)) return;
  const source = new EventSource(`/api/jobs/${id}/events`);
  streams.set(id, source);
  source.onmessage = event => {
    const job = JSON.parse(event.data);
    render(job);
    if (terminal.has(job.status)) {
      // The server closes the stream after the terminal snapshot; close ours so it does not reconnect.
      source.close();
      streams.delete(id);
    }
  };
}

async function cancel(id, row) {
  row.querySelector(".cancel").disabled = true;
  const response = await fetch(`/api/jobs/${id}`, { method: "DELETE" });
  if (response.status !== 202) {
    const problem = await response.json().catch(() => ({}));
    row.querySelector(".message").textContent = problem.detail ?? problem.title ?? `cancel failed (${response.status})`;
  }
  // On 202 the event stream brings the Cancelled snapshot once the job has stopped.
}

function showErrors(problem) {
  const box = document.getElementById("form-error");
  const messages = problem.errors ? Object.values(problem.errors).flat() : [problem.detail ?? problem.title];
  box.textContent = messages.join(" ");
  box.hidden = false;
}

document.getElementById("start-form").addEventListener("submit", async event => {
  event.preventDefault();
  document.getElementById("form-error").hidden = true;
  const pagesText = document.getElementById("pages").value;
  const body = {
    name: document.getElementById("name").value,
    pages: pagesText === "" ? null : Number(pagesText),
  };
  const response = await fetch("/api/jobs", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (response.status !== 202) {
    showErrors(await response.json().catch(() => ({ title: `HTTP ${response.status}` })));
    return;
  }
  const job = await response.json();
  render(job);
  follow(job.id);
});

async function loadRecent() {
  const response = await fetch("/api/jobs?take=20");
  const page = await response.json();
  for (const job of [...page.items].reverse()) {
    render(job);
    if (!terminal.has(job.status)) follow(job.id);
  }
}

loadRecent();
