using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using static BackgroundTasks.Tests.Jobs.TypedJobSamples;

namespace BackgroundTasks.Tests.Jobs;

[CancelAfter(20_000)]
public sealed class TypedJobRegistrationTests
{
    [Test]
    public void AddJob_ValidName_RegistersTheJobScopedAndItsRegistration()
    {
        var services = new ServiceCollection();

        services.AddBackgroundJobs().AddJob<SendInvoice, InvoiceArgs>("billing:send-invoice.v2_a", TypedJobJsonContext.Default.InvoiceArgs);

        Assert.That(services.Single(d => d.ServiceType == typeof(SendInvoice)).Lifetime, Is.EqualTo(ServiceLifetime.Scoped));
        using var provider = services.BuildServiceProvider();
        var registration = provider.GetRequiredService<JobRegistry>().Get<SendInvoice>();
        Assert.That(registration.Name, Is.EqualTo("billing:send-invoice.v2_a"));
        Assert.That(registration.JobType, Is.EqualTo(typeof(SendInvoice)));
        Assert.That(registration.ArgumentsType, Is.EqualTo(typeof(InvoiceArgs)));
        Assert.That(registration.HasResult, Is.False);
        Assert.That(registration.ResultType, Is.Null);
    }

    [Test]
    public void AddJob_ResultJob_RegistersResultType()
    {
        var services = new ServiceCollection();

        services.AddBackgroundJobs().AddJob<Sum, SumArgs, int>("sum", TypedJobJsonContext.Default.SumArgs);

        using var provider = services.BuildServiceProvider();
        var registration = provider.GetRequiredService<JobRegistry>().Get("sum");
        Assert.That(registration.JobType, Is.EqualTo(typeof(Sum)));
        Assert.That(registration.HasResult, Is.True);
        Assert.That(registration.ResultType, Is.EqualTo(typeof(int)));
    }

    [Test]
    public void AddJob_NullName_ThrowsArgumentNullNamingParameterAndExample()
    {
        var jobs = new ServiceCollection().AddBackgroundJobs();

        var ex = Assert.Throws<ArgumentNullException>(() => jobs.AddJob<SendInvoice, InvoiceArgs>(null!, TypedJobJsonContext.Default.InvoiceArgs));

        Assert.That(ex!.ParamName, Is.EqualTo("name"));
        Assert.That(ex.Message, Does.Contain("AddJob<SendInvoice, InvoiceArgs>(\"send-invoice\")"));
    }

    [TestCase("")]
    [TestCase("   ")]
    public void AddJob_EmptyOrWhiteSpaceName_ThrowsNamingParameterAndExample(string name)
    {
        var jobs = new ServiceCollection().AddBackgroundJobs();

        var ex = Assert.Throws<ArgumentException>(() => jobs.AddJob<Sum, SumArgs, int>(name, TypedJobJsonContext.Default.SumArgs));

        Assert.That(ex!.ParamName, Is.EqualTo("name"));
        Assert.That(ex.Message, Does.Contain("empty or white space").And.Contain("AddJob<Sum, SumArgs, int>(\"sum\")"));
    }

    [Test]
    public void AddJob_NameOf201Characters_ThrowsSayingTheLimit()
    {
        var jobs = new ServiceCollection().AddBackgroundJobs();

        var ex = Assert.Throws<ArgumentException>(() => jobs.AddJob<SendInvoice, InvoiceArgs>(new string('a', 201), TypedJobJsonContext.Default.InvoiceArgs));

        Assert.That(ex!.ParamName, Is.EqualTo("name"));
        Assert.That(ex.Message, Does.Contain("is 201 characters long: use at most 200"));
        Assert.That(() => jobs.AddJob<SendInvoice, InvoiceArgs>(new string('a', 200), TypedJobJsonContext.Default.InvoiceArgs), Throws.Nothing);
    }

    [TestCase("send invoice", "' ' (U+0020) at index 4")]
    [TestCase("send/invoice", "'/' (U+002F) at index 4")]
    [TestCase("facture-envoyée", "'é' (U+00E9) at index 13")]
    [TestCase("send\ninvoice", "U+000A) at index 4")]
    public void AddJob_NameWithUnsafeCharacter_ThrowsNamingCharacterAndSafeSet(string name, string expected)
    {
        var jobs = new ServiceCollection().AddBackgroundJobs();

        var ex = Assert.Throws<ArgumentException>(() => jobs.AddJob<SendInvoice, InvoiceArgs>(name, TypedJobJsonContext.Default.InvoiceArgs));

        Assert.That(ex!.ParamName, Is.EqualTo("name"));
        Assert.That(ex.Message, Does.Contain(expected).And.Contain("use only ASCII letters and digits, '-', '_', '.' and ':'"));
    }

    [Test]
    public void AddJob_NullTypeInfo_ThrowsArgumentNull()
    {
        var jobs = new ServiceCollection().AddBackgroundJobs();

        Assert.That(
            () => jobs.AddJob<SendInvoice, InvoiceArgs>("send-invoice", (System.Text.Json.Serialization.Metadata.JsonTypeInfo<InvoiceArgs>)null!),
            Throws.ArgumentNullException.With.Property("ParamName").EqualTo("argumentsTypeInfo"));
    }

    [Test]
    public void AddJob_NameTakenByAnotherJob_ThrowsNamingBothJobs()
    {
        var jobs = new ServiceCollection().AddBackgroundJobs().AddJob<SendInvoice, InvoiceArgs>("send-invoice", TypedJobJsonContext.Default.InvoiceArgs);

        var ex = Assert.Throws<ArgumentException>(() => jobs.AddJob<SendReminder, InvoiceArgs>("send-invoice", TypedJobJsonContext.Default.InvoiceArgs));

        Assert.That(ex!.ParamName, Is.EqualTo("name"));
        Assert.That(ex.Message, Does.Contain("The job name 'send-invoice' is registered for both SendInvoice and SendReminder").And.Contain("name of its own"));
    }

    [Test]
    public void AddJob_JobUnderSecondName_ThrowsNamingBothNames()
    {
        var jobs = new ServiceCollection().AddBackgroundJobs().AddJob<SendInvoice, InvoiceArgs>("send-invoice", TypedJobJsonContext.Default.InvoiceArgs);

        var ex = Assert.Throws<ArgumentException>(() => jobs.AddJob<SendInvoice, InvoiceArgs>("invoice", TypedJobJsonContext.Default.InvoiceArgs));

        Assert.That(ex!.ParamName, Is.EqualTo("name"));
        Assert.That(ex.Message, Does.Contain("SendInvoice is registered under two names, 'send-invoice' and 'invoice'").And.Contain("Remove one of the two AddJob calls"));
    }

    [Test]
    public void AddJob_SameJobAndNameWithOtherArguments_ThrowsNamingBothContracts()
    {
        var jobs = new ServiceCollection().AddBackgroundJobs().AddJob<TwoWay, InvoiceArgs>("two-way", TypedJobJsonContext.Default.InvoiceArgs);

        var ex = Assert.Throws<ArgumentException>(() => jobs.AddJob<TwoWay, SumArgs>("two-way", TypedJobJsonContext.Default.SumArgs));

        Assert.That(ex!.Message, Does.Contain("TwoWay is registered twice under 'two-way', once as IJob<InvoiceArgs> and once as IJob<SumArgs>"));
    }

    [Test]
    public void AddJob_IdenticalCallRepeated_KeepsOneRegistration()
    {
        var services = new ServiceCollection();
        services.AddBackgroundJobs().AddJob<SendInvoice, InvoiceArgs>("send-invoice", TypedJobJsonContext.Default.InvoiceArgs);

        services.AddBackgroundJobs().AddJob<SendInvoice, InvoiceArgs>("send-invoice", TypedJobJsonContext.Default.InvoiceArgs);

        Assert.That(services.Count(d => d.ServiceType == typeof(JobRegistration)), Is.EqualTo(1));
        Assert.That(services.Count(d => d.ServiceType == typeof(SendInvoice)), Is.EqualTo(1));
    }

    [Test]
    public void AddJob_ConflictAcrossTwoAddBackgroundJobsCalls_ThrowsAtTheSecondCall()
    {
        var services = new ServiceCollection();
        services.AddBackgroundJobs().AddJob<SendInvoice, InvoiceArgs>("send-invoice", TypedJobJsonContext.Default.InvoiceArgs);
        var second = services.AddBackgroundJobs();

        Assert.That(
            () => second.AddJob<SendReminder, InvoiceArgs>("send-invoice", TypedJobJsonContext.Default.InvoiceArgs),
            Throws.ArgumentException.With.Message.Contains("registered for both SendInvoice and SendReminder"));
        Assert.That(
            () => second.AddJob<SendInvoice, InvoiceArgs>("invoice", TypedJobJsonContext.Default.InvoiceArgs),
            Throws.ArgumentException.With.Message.Contains("'send-invoice' and 'invoice'"));
    }

    [Test]
    public void StartAsync_ConflictingRegistrationsInServices_FailsNamingBoth()
    {
        // AddJob sees conflicts in the services it is given; registrations that reach the container another
        // way (here: added directly) are checked again when the host starts.
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddBackgroundJobs().AddJob<SendInvoice, InvoiceArgs>("send-invoice", TypedJobJsonContext.Default.InvoiceArgs);
        builder.Services.AddSingleton<JobRegistration>(new JobRegistration<SendReminder, InvoiceArgs>("send-invoice", TypedJobJsonContext.Default.InvoiceArgs));
        builder.Services.AddSingleton<JobRegistration>(new JobRegistration<SendInvoice, InvoiceArgs>("invoice", TypedJobJsonContext.Default.InvoiceArgs));
        using var host = builder.Build();

        // The engine builds the registry when the host resolves it, before options are validated; either way
        // start-up fails with both conflicts named.
        var ex = Assert.CatchAsync(() => host.StartAsync());

        Assert.That(ex, Is.InstanceOf<InvalidOperationException>().Or.InstanceOf<OptionsValidationException>());
        Assert.That(ex!.Message, Does.Contain("The job name 'send-invoice' is registered for both SendInvoice and SendReminder"));
        Assert.That(ex.Message, Does.Contain("SendInvoice is registered under two names, 'send-invoice' and 'invoice'"));
    }

    [Test]
    public void JobRegistry_ConflictingRegistrations_ThrowsNamingBoth()
    {
        JobRegistration[] registrations =
        [
            new JobRegistration<SendInvoice, InvoiceArgs>("send-invoice", TypedJobJsonContext.Default.InvoiceArgs),
            new JobRegistration<SendReminder, InvoiceArgs>("send-invoice", TypedJobJsonContext.Default.InvoiceArgs),
        ];

        Assert.That(
            () => new JobRegistry(registrations),
            Throws.InvalidOperationException.With.Message.Contains("The job name 'send-invoice' is registered for both SendInvoice and SendReminder"));
    }

    [Test]
    public void JobRegistry_UnknownName_TryGetFailsAndGetListsRegisteredNames()
    {
        var registry = new JobRegistry([
            new JobRegistration<SendInvoice, InvoiceArgs>("send-invoice", TypedJobJsonContext.Default.InvoiceArgs),
            new JobRegistration<Sum, SumArgs, int>("sum", TypedJobJsonContext.Default.SumArgs),
        ]);

        Assert.That(registry.TryGet("send-reminder", out _), Is.False);
        Assert.That(registry.TryGet("Send-Invoice", out _), Is.False, "Names are case-sensitive.");
        Assert.That(registry.TryGet("send-invoice", out var found), Is.True);
        Assert.That(found!.JobType, Is.EqualTo(typeof(SendInvoice)));
        Assert.That(
            () => registry.Get("send-reminder"),
            Throws.InvalidOperationException.With.Message.Contains("No typed job is registered under the name 'send-reminder' in this host (registered: 'send-invoice', 'sum')")
                .And.Message.Contains("AddJob<TJob, TArgs>(\"send-reminder\")"));
        Assert.That(registry.Names, Is.EquivalentTo(new[] { "send-invoice", "sum" }));
    }

    [Test]
    public void JobRegistry_UnregisteredJobType_ThrowsSayingToCallAddJob()
    {
        var registry = new JobRegistry([]);

        Assert.That(
            () => registry.Get<SendReminder>(),
            Throws.InvalidOperationException.With.Message.EqualTo(
                "SendReminder is not registered as a typed job: call AddJob<SendReminder, TArgs>(\"name\") on the builder that AddBackgroundJobs returns."));
        Assert.That(() => registry.For(typeof(Sum)), Throws.InvalidOperationException.With.Message.Contains("AddJob<Sum, TArgs>(\"name\")"));
        Assert.That(() => registry.Get("any"), Throws.InvalidOperationException.With.Message.Contains("(none is)"));
    }
}
