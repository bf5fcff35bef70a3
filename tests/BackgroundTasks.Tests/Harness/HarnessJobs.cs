namespace BackgroundTasks.Tests.Harness;

/// <summary>An application's jobs and services, as a user would test them with <c>JobsTestHost</c>.</summary>
public static class HarnessJobs
{
    public sealed record InvoiceArgs(int InvoiceId, string Email);

    public interface IMailer
    {
        Task SendAsync(string address, string subject, CancellationToken cancellationToken);
    }

    /// <summary>A fake mailer that keeps what was sent.</summary>
    public sealed class RecordingMailer : IMailer
    {
        private readonly Lock _gate = new();
        private readonly List<(string To, string Subject)> _sent = [];

        public IReadOnlyList<(string To, string Subject)> Sent
        {
            get
            {
                lock (_gate)
                {
                    return [.. _sent];
                }
            }
        }

        public Task SendAsync(string address, string subject, CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                _sent.Add((address, subject));
            }

            return Task.CompletedTask;
        }
    }

    public sealed class SendInvoice(IMailer mailer) : IJob<InvoiceArgs>
    {
        public Task RunAsync(InvoiceArgs args, JobContext context)
            => mailer.SendAsync(args.Email, $"Invoice {args.InvoiceId}", context.CancellationToken);
    }

    /// <summary>Application code that enqueues: what a test asserts on.</summary>
    public sealed class Billing(IJobQueue jobs)
    {
        public ValueTask<JobId> CloseMonthAsync(int invoiceId, string email)
            => jobs.EnqueueAsync<SendInvoice, InvoiceArgs>(new InvoiceArgs(invoiceId, email), new JobOptions { Queue = "mail", Priority = JobPriority.High, MaxAttempts = 4 });
    }

    /// <summary>When each attempt of a job ran, on the host's clock.</summary>
    public sealed class AttemptLog
    {
        private readonly Lock _gate = new();
        private readonly List<(int Attempt, DateTimeOffset At)> _runs = [];

        public IReadOnlyList<(int Attempt, DateTimeOffset At)> Runs
        {
            get
            {
                lock (_gate)
                {
                    return [.. _runs];
                }
            }
        }

        public void Add(int attempt, DateTimeOffset at)
        {
            lock (_gate)
            {
                _runs.Add((attempt, at));
            }
        }
    }

    /// <summary>Fails until its attempt reaches <see cref="FlakyArgs.SucceedOnAttempt"/>.</summary>
    public sealed class FlakyJob(AttemptLog log, TimeProvider time) : IJob<FlakyArgs>
    {
        public Task RunAsync(FlakyArgs args, JobContext context)
        {
            log.Add(context.Attempt, time.GetUtcNow());
            return context.Attempt < args.SucceedOnAttempt
                ? throw new IOException($"upstream down on attempt {context.Attempt}")
                : Task.CompletedTask;
        }
    }

    public sealed record FlakyArgs(int SucceedOnAttempt);

    public sealed class DoubleJob : IJob<int, int>
    {
        public Task<int> RunAsync(int args, JobContext context) => Task.FromResult(args * 2);
    }
}
