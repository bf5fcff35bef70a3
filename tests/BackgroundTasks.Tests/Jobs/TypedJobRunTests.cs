using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using static BackgroundTasks.Tests.Jobs.TypedJobSamples;

namespace BackgroundTasks.Tests.Jobs;

/// <summary>Running a typed job from its stored form: read the arguments, resolve the job from the attempt's services, call it.</summary>
[CancelAfter(20_000)]
public sealed class TypedJobRunTests
{
    /// <summary>RunAsync hands the context to the job untouched; these tests need no engine, so they pass none.</summary>
    private static readonly JobContext NoContext = null!;

    [Test]
    public async Task RunAsync_EachCall_ResolvesTheJobFromTheGivenServices()
    {
        using var provider = Services().BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        var registration = provider.GetRequiredService<JobRegistry>().Get("send-invoice");
        var calls = provider.GetRequiredService<JobCalls>();
        const string Json = """{"invoiceId":7,"email":"ann@example.com"}""";

        await using (var first = provider.CreateAsyncScope())
        {
            var result = await registration.RunAsync(first.ServiceProvider, Json, NoContext);
            await registration.RunAsync(first.ServiceProvider, Json, NoContext);
            Assert.That(result, Is.Null, "An IJob<TArgs> has no result.");
        }

        await using (var second = provider.CreateAsyncScope())
        {
            await registration.RunAsync(second.ServiceProvider, Json, NoContext);
        }

        Assert.That(calls.Runs.Select(r => r.Instance), Is.EqualTo(new[] { 1, 1, 2 }), "One job instance per scope: scoped, resolved on every call.");
        Assert.That(calls.Runs.Select(r => r.Args), Has.All.EqualTo(new InvoiceArgs(7, "ann@example.com")));
    }

    [Test]
    public async Task RunAsync_ResultJob_ReturnsTheResult()
    {
        using var provider = Services().BuildServiceProvider();
        var registration = provider.GetRequiredService<JobRegistry>().Get<Sum>();
        await using var scope = provider.CreateAsyncScope();

        var result = await registration.RunAsync(scope.ServiceProvider, registration.SerializeArguments(new SumArgs([1, 2, 3])), NoContext);

        Assert.That(result, Is.EqualTo(6));
    }

    [Test]
    public async Task RunAsync_StoredArgumentsNoLongerFit_FailsNamingJobTypeAndPath()
    {
        using var provider = Services().BuildServiceProvider();
        var registration = provider.GetRequiredService<JobRegistry>().Get("send-invoice");
        await using var scope = provider.CreateAsyncScope();

        var ex = Assert.ThrowsAsync<InvalidOperationException>(() => registration.RunAsync(scope.ServiceProvider, """{"invoiceId":{"number":7},"email":"a@b.c"}""", NoContext));

        Assert.That(ex!.Message, Does.StartWith("Job 'send-invoice' cannot read its stored arguments as InvoiceArgs at '$.invoiceId'. The JSON value could not be converted to ")
            .And.Contain("InvoiceArgs has probably changed since the job was enqueued"));
        Assert.That(ex.InnerException, Is.InstanceOf<JsonException>());
        Assert.That(provider.GetRequiredService<JobCalls>().Runs, Is.Empty);
    }

    [Test]
    public async Task RunAsync_MalformedJson_FailsNamingJob()
    {
        using var provider = Services().BuildServiceProvider();
        var registration = provider.GetRequiredService<JobRegistry>().Get("send-invoice");
        await using var scope = provider.CreateAsyncScope();

        Assert.That(
            () => registration.RunAsync(scope.ServiceProvider, "{\"invoiceId\":", NoContext),
            Throws.InvalidOperationException.With.Message.StartWith("Job 'send-invoice' cannot read its stored arguments as InvoiceArgs"));
    }

    [Test]
    public void RunAsync_JobMissingFromServices_FailsNamingJob()
    {
        var registration = new JobRegistration<Sum, SumArgs, int>("sum", TypedJobJsonContext.Default.SumArgs);
        using var empty = new ServiceCollection().BuildServiceProvider();

        Assert.That(
            () => registration.RunAsync(empty, """{"numbers":[1]}""", NoContext),
            Throws.InvalidOperationException.With.Message.StartWith("Job 'sum': the services given to run it have no Sum."));
    }

    private static ServiceCollection Services()
    {
        var services = new ServiceCollection();
        services.AddSingleton<JobCalls>().AddScoped<ScopeMarker>();
        services.AddBackgroundJobs()
            .AddJob<SendInvoice, InvoiceArgs>("send-invoice", TypedJobJsonContext.Default.InvoiceArgs)
            .AddJob<Sum, SumArgs, int>("sum", TypedJobJsonContext.Default.SumArgs);
        return services;
    }
}
