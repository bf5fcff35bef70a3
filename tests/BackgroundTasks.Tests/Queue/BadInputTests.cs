namespace BackgroundTasks.Tests.Queue;

[CancelAfter(20_000)]
public sealed class BadInputTests
{
    private static IEnumerable<TestCaseData> BadOptions()
    {
        yield return new TestCaseData(new JobOptions { MaxAttempts = 0 }, "JobOptions.MaxAttempts is 0").SetName("MaxAttempts zero");
        yield return new TestCaseData(new JobOptions { Timeout = TimeSpan.Zero }, "JobOptions.Timeout is 00:00:00").SetName("Timeout zero");
        yield return new TestCaseData(new JobOptions { Timeout = TimeSpan.FromSeconds(-3) }, "JobOptions.Timeout is -00:00:03").SetName("Timeout negative");
        yield return new TestCaseData(new JobOptions { Delay = TimeSpan.FromSeconds(-1) }, "JobOptions.Delay is -00:00:01").SetName("Delay negative");
        yield return new TestCaseData(new JobOptions { Delay = TimeSpan.FromSeconds(1), RunAt = DateTimeOffset.MaxValue }, "set only one of them").SetName("Delay and RunAt");
        yield return new TestCaseData(new JobOptions { Priority = (JobPriority)42 }, "JobOptions.Priority is 42").SetName("Priority undefined");
        yield return new TestCaseData(new JobOptions { Queue = "" }, "JobOptions.Queue is ''").SetName("Queue empty");
    }

    [TestCaseSource(nameof(BadOptions))]
    public async Task EnqueueAsync_BadOptions_ThrowsArgumentExceptionSayingWhatToChange(JobOptions options, string expected)
    {
        await using var host = JobsHost.Create();

        var ex = Assert.ThrowsAsync<ArgumentException>(async () => await host.Queue.EnqueueAsync(_ => Task.CompletedTask, options));
        Assert.That(ex!.ParamName, Is.EqualTo("options"));
        Assert.That(ex.Message, Does.Contain(expected));
        Assert.That(() => host.Queue.TryEnqueue(_ => Task.CompletedTask, out _, options), Throws.ArgumentException.With.Message.Contains(expected));
        Assert.That(host.Store.Transitions, Is.Empty);
    }

    [Test]
    public async Task Enqueue_NullDelegate_ThrowsArgumentNull()
    {
        await using var host = JobsHost.Create();

        Assert.That(async () => await host.Queue.EnqueueAsync((Func<JobContext, Task>)null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("job"));
        Assert.That(async () => await host.Queue.EnqueueAsync((Func<JobContext, Task<int>>)null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("job"));
        Assert.That(async () => await host.Queue.EnqueueAsync((Func<string, JobContext, Task>)null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("job"));
        Assert.That(() => host.Queue.TryEnqueue(null!, out _), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("job"));
    }

    [Test]
    public void AddBackgroundJobs_NullServices_ThrowsArgumentNull()
    {
        Assert.That(() => Microsoft.Extensions.DependencyInjection.BackgroundJobsServiceCollectionExtensions.AddBackgroundJobs(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("services"));
    }
}
