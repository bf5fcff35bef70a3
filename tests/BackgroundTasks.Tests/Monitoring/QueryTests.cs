namespace BackgroundTasks.Tests.Monitoring;

[CancelAfter(20_000)]
public sealed class QueryTests
{
    [Test]
    public async Task GetAsync_FinishedJob_HasEveryDetail(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync(build: b => b.AddQueue("mail"));
        var parent = JobId.NewId();
        var enqueuedAt = host.Time.GetUtcNow();

        var id = await host.Queue.EnqueueAsync(ctx =>
        {
            ctx.ReportItems(3, 4, "almost");
            throw new InvalidOperationException("smtp down");
        }, new JobOptions { Name = "welcome-mail", Queue = "mail", Priority = JobPriority.High, ParentId = parent }, ct);
        await host.Monitor.WaitAsync(id, ct);
        var record = await host.Monitor.GetAsync(id, ct);

        Assert.That(record, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(record!.Id, Is.EqualTo(id));
            Assert.That(record.Name, Is.EqualTo("welcome-mail"));
            Assert.That(record.Queue, Is.EqualTo("mail"));
            Assert.That(record.Priority, Is.EqualTo(JobPriority.High));
            Assert.That(record.ParentId, Is.EqualTo(parent));
            Assert.That(record.Status, Is.EqualTo(JobStatus.Failed));
            Assert.That(record.Attempt, Is.EqualTo(1));
            Assert.That(record.EnqueuedAt, Is.EqualTo(enqueuedAt));
            Assert.That(record.StartedAt, Is.EqualTo(enqueuedAt));
            Assert.That(record.FinishedAt, Is.EqualTo(enqueuedAt));
            Assert.That(record.Progress, Is.EqualTo(new JobProgress(75, "almost", 3, 4)));
            Assert.That(record.Error!.Message, Is.EqualTo("smtp down"));
        });
    }

    [Test]
    public async Task QueryAsync_FiltersAndPagesNewestFirst(CancellationToken ct)
    {
        await using var host = await JobsHost.StartAsync(build: b => b.AddQueue("mail"));
        var mail = new List<JobId>();
        for (var i = 0; i < 7; i++)
        {
            mail.Add(await host.Queue.EnqueueAsync(_ => Task.CompletedTask, new JobOptions { Queue = "mail", Name = "welcome" }, ct));
        }

        var failed = await host.Queue.EnqueueAsync(_ => throw new InvalidOperationException(), new JobOptions { Name = "broken" }, ct);
        foreach (var id in mail.Append(failed))
        {
            await host.Monitor.WaitAsync(id, ct);
        }

        var firstPage = await host.Monitor.QueryAsync(new JobQuery { Queue = "mail", Take = 3 }, ct);
        var secondPage = await host.Monitor.QueryAsync(new JobQuery { Queue = "mail", Skip = 3, Take = 3 }, ct);
        var lastPage = await host.Monitor.QueryAsync(new JobQuery { Queue = "mail", Skip = 6, Take = 3 }, ct);
        var failures = await host.Monitor.QueryAsync(new JobQuery { Status = JobStatus.Failed }, ct);
        var byName = await host.Monitor.QueryAsync(new JobQuery { Name = "welcome", Status = JobStatus.Succeeded }, ct);

        Assert.That(firstPage.Concat(secondPage).Concat(lastPage).Select(r => r.Id), Is.EqualTo(mail.AsEnumerable().Reverse()));
        Assert.That(failures.Select(r => r.Id), Is.EqualTo(new[] { failed }));
        Assert.That(byName, Has.Count.EqualTo(7));
    }

    [Test]
    public void JobQuery_BadPaging_ThrowsNamingTheProperty()
    {
        Assert.That(() => new JobQuery { Skip = -1 }, Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("Skip"));
        Assert.That(() => new JobQuery { Take = 0 }, Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("Take"));
        Assert.That(() => new JobQuery { Take = 10_001 }, Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("Skip"));
    }
}
