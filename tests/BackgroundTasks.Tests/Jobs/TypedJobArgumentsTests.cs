using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using static BackgroundTasks.Tests.Jobs.TypedJobSamples;

namespace BackgroundTasks.Tests.Jobs;

/// <summary>Serializing a typed job's arguments at enqueue: the round-trip check, and the members the serializer would lose.</summary>
[CancelAfter(20_000)]
[UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Tests run with reflection; the reflection-based AddJob is under test.")]
[UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Tests run with reflection; the reflection-based AddJob is under test.")]
public sealed class TypedJobArgumentsTests
{
    [Test]
    public void SerializeArguments_SourceGenerated_WritesWebJson()
    {
        var registration = Register(jobs => jobs.AddJob<SendInvoice, InvoiceArgs>("send-invoice", TypedJobJsonContext.Default.InvoiceArgs));

        var json = registration.SerializeArguments(new InvoiceArgs(7, "ann@example.com"));

        Assert.That(json, Is.EqualTo("""{"invoiceId":7,"email":"ann@example.com"}"""));
    }

    [Test]
    public void SerializeArguments_ReflectionWithDefaultOptions_WritesWebJson()
    {
        var registration = Register(jobs => jobs.AddJob<SendInvoice, InvoiceArgs>("send-invoice"));

        Assert.That(registration.SerializeArguments(new InvoiceArgs(7, "ann@example.com")), Is.EqualTo("""{"invoiceId":7,"email":"ann@example.com"}"""));
    }

    [Test]
    public void SerializeArguments_CustomOptions_AreHonoured()
    {
        var options = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
        var registration = Register(jobs => jobs.AddJob<Sum, SumArgs, int>("sum", options));

        Assert.That(registration.SerializeArguments(new SumArgs([1, 2])), Is.EqualTo("""{"numbers":[1,2]}"""));
        var invoice = Register(jobs => jobs.AddJob<SendInvoice, InvoiceArgs>("send-invoice", options));
        Assert.That(invoice.SerializeArguments(new InvoiceArgs(7, "a@b.c")), Is.EqualTo("""{"invoice_id":7,"email":"a@b.c"}"""));
        Assert.That(options.IsReadOnly, Is.False, "The caller's options are copied, not frozen.");
    }

    [Test]
    public void AddJob_OptionsWithoutContractForArguments_ThrowsNamingOptionsAndFix()
    {
        var options = new JsonSerializerOptions { TypeInfoResolver = TypedJobJsonContext.Default };

        Assert.That(
            () => new ServiceCollection().AddBackgroundJobs().AddJob<BaseJob, BaseArgs>("base", options),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("serializerOptions")
                .And.Message.StartWith("Job 'base': the serializer options give no JSON contract for BaseArgs:")
                .And.Message.Contain("pass its JsonTypeInfo from a JsonSerializerContext"));
    }

    [Test]
    public void SerializeArguments_OtherArgumentsType_ThrowsNamingBothTypes()
    {
        var registration = Register(jobs => jobs.AddJob<SendInvoice, InvoiceArgs>("send-invoice", TypedJobJsonContext.Default.InvoiceArgs));

        var ex = Assert.Throws<ArgumentException>(() => registration.SerializeArguments(new SumArgs([1])));

        Assert.That(ex!.ParamName, Is.EqualTo("args"));
        Assert.That(ex.Message, Does.Contain("Job 'send-invoice' (SendInvoice) takes arguments of type InvoiceArgs, not SumArgs"));
    }

    private static IEnumerable<TestCaseData> LossyRegistrations()
    {
        yield return new TestCaseData((Func<BackgroundJobsBuilder, BackgroundJobsBuilder>)(j => j.AddJob<GetOnlyJob, GetOnlyArgs>("send-invoice", TypedJobJsonContext.Default.GetOnlyArgs)))
            .SetName("Get-only property, source-generated");
        yield return new TestCaseData((Func<BackgroundJobsBuilder, BackgroundJobsBuilder>)(j => j.AddJob<GetOnlyJob, GetOnlyArgs>("send-invoice")))
            .SetName("Get-only property, reflection");
    }

    [TestCaseSource(nameof(LossyRegistrations))]
    public void SerializeArguments_GetOnlyPropertyWithoutConstructorParameter_ThrowsNamingMemberAndFix(Func<BackgroundJobsBuilder, BackgroundJobsBuilder> add)
    {
        var registration = Register(add);

        var ex = Assert.Throws<ArgumentException>(() => registration.SerializeArguments(new GetOnlyArgs("ann@example.com")));

        Assert.That(ex!.ParamName, Is.EqualTo("args"));
        Assert.That(ex.Message, Is.EqualTo(
            "Job 'send-invoice' cannot store its arguments (GetOnlyArgs): GetOnlyArgs.To (at '$.to') is a string when written, but null once read back "
            + "and written again, so after a restart the job would run with different arguments. Make To a public property with a public setter or "
            + "init accessor, mark it [JsonInclude], or give the constructor a parameter of the same name. (Parameter 'args')"));
    }

    [Test]
    public void SerializeArguments_NestedMemberLost_NamesNestedMemberAndPath()
    {
        var registration = Register(jobs => jobs.AddJob<OrderJob, OrderArgs>("order", TypedJobJsonContext.Default.OrderArgs));
        var args = new OrderArgs { Lines = [new OrderLine { Sku = "a" }, new OrderLine(9.5m) { Sku = "b" }] };

        var ex = Assert.Throws<ArgumentException>(() => registration.SerializeArguments(args));

        Assert.That(ex!.Message, Does.Contain("OrderLine.Price (at '$.lines[1].price') changes value once read back and written again").And.Contain("Make Price a public property"));
    }

    [Test]
    public void SerializeArguments_GetOnlyPropertyAtDefault_Passes()
    {
        var registration = Register(jobs => jobs.AddJob<OrderJob, OrderArgs>("order", TypedJobJsonContext.Default.OrderArgs));

        Assert.That(registration.SerializeArguments(new OrderArgs { Lines = [new OrderLine { Sku = "a" }] }), Is.EqualTo("""{"lines":[{"sku":"a","price":0}]}"""));
    }

    [Test]
    public void AddJob_PublicFieldSourceGenerated_ThrowsNamingFieldAndFix()
    {
        var jobs = new ServiceCollection().AddBackgroundJobs();

        var ex = Assert.Throws<ArgumentException>(() => jobs.AddJob<FieldJob, FieldArgs>("field", TypedJobJsonContext.Default.FieldArgs));

        Assert.That(ex!.ParamName, Is.EqualTo("TArgs"));
        Assert.That(ex.Message, Does.StartWith("Job 'field': FieldArgs.Note is a public field, which System.Text.Json does not write unless fields are included")
            .And.Contain("mark it [JsonInclude] (or set IncludeFields), or mark it [JsonIgnore]"));
    }

    [Test]
    public void AddJob_PublicFieldReflection_ThrowsUnlessFieldsAreIncluded()
    {
        Assert.That(
            () => new ServiceCollection().AddBackgroundJobs().AddJob<FieldJob, FieldArgs>("field"),
            Throws.ArgumentException.With.Message.Contains("FieldArgs.Note is a public field"));

        var registration = Register(jobs => jobs.AddJob<FieldJob, FieldArgs>("field", new JsonSerializerOptions(JsonSerializerOptions.Web) { IncludeFields = true }));
        Assert.That(registration.SerializeArguments(new FieldArgs { Note = "n", Count = 1 }), Is.EqualTo("""{"count":1,"note":"n"}"""));
    }

    [Test]
    public void AddJob_PublicFieldMarkedJsonIgnore_IsAllowed()
    {
        var registration = Register(jobs => jobs.AddJob<IgnoredFieldJob, IgnoredFieldArgs>("ignored", TypedJobJsonContext.Default.IgnoredFieldArgs));

        Assert.That(registration.SerializeArguments(new IgnoredFieldArgs { Cache = "x", Count = 2 }), Is.EqualTo("""{"count":2}"""));
    }

    [Test]
    public void AddJob_PropertyWithoutPublicGetter_ThrowsNamingProperty()
    {
        var jobs = new ServiceCollection().AddBackgroundJobs();

        var ex = Assert.Throws<ArgumentException>(() => jobs.AddJob<WriteOnlyJob, WriteOnlyArgs>("write-only"));

        Assert.That(ex!.ParamName, Is.EqualTo("TArgs"));
        Assert.That(ex.Message, Does.Contain("WriteOnlyArgs.Secret has no public getter, so System.Text.Json never writes it").And.Contain("[JsonInclude]"));
    }

    [Test]
    public void AddJob_StreamMember_ThrowsNamingMemberAndFix()
    {
        var jobs = new ServiceCollection().AddBackgroundJobs();

        var ex = Assert.Throws<ArgumentException>(() => jobs.AddJob<StreamJob, StreamArgs>("upload"));

        Assert.That(ex!.ParamName, Is.EqualTo("TArgs"));
        Assert.That(ex.Message, Does.StartWith("Job 'upload': StreamArgs.Body is of type Stream (a stream), which is not data: a stored job cannot carry it.")
            .And.Contain("take services, streams and delegates in the job's constructor instead. For a file, pass its path or id."));
    }

    [Test]
    public void AddJob_DelegateMemberOrItems_ThrowsNamingThem()
    {
        var jobs = new ServiceCollection().AddBackgroundJobs();

        Assert.That(
            () => jobs.AddJob<CallbackJob, CallbackArgs>("callback"),
            Throws.ArgumentException.With.Message.StartWith("Job 'callback': CallbackArgs.Callback is of type Func<int> (a delegate), which is not data"));
        Assert.That(
            () => jobs.AddJob<AttachmentsJob, AttachmentsArgs>("attachments"),
            Throws.ArgumentException.With.Message.StartWith("Job 'attachments': the items of List<Stream> are of type Stream (a stream)"));
    }

    [Test]
    public void SerializeArguments_UnsupportedValueInObjectMember_ThrowsNamingPath()
    {
        var registration = Register(jobs => jobs.AddJob<PayloadJob, PayloadArgs>("payload"));

        var ex = Assert.Throws<ArgumentException>(() => registration.SerializeArguments(new PayloadArgs { Payload = new Func<int>(() => 1) }));

        // Paths of write errors use the members' names.
        Assert.That(ex!.ParamName, Is.EqualTo("args"));
        Assert.That(ex.Message, Does.StartWith("Job 'payload' cannot store its arguments (PayloadArgs): they cannot be written at '$.Payload'. Serialization and deserialization of")
            .And.Contain("take services, streams and delegates in the job's constructor instead"));
        Assert.That(ex.InnerException, Is.InstanceOf<NotSupportedException>());
    }

    [Test]
    public void SerializeArguments_GetterThrows_ThrowsWithItsMessage()
    {
        var registration = Register(jobs => jobs.AddJob<PayloadJob, PayloadArgs>("payload"));
        using var stream = new MemoryStream();

        var ex = Assert.Throws<ArgumentException>(() => registration.SerializeArguments(new PayloadArgs { Payload = stream }));

        Assert.That(ex!.Message, Does.StartWith("Job 'payload' cannot store its arguments (PayloadArgs): they cannot be written. Timeouts are not supported on this stream."));
        Assert.That(ex.InnerException, Is.InstanceOf<InvalidOperationException>());
    }

    [Test]
    public void SerializeArguments_Cycle_ThrowsNamingShortenedPath()
    {
        var registration = Register(jobs => jobs.AddJob<NodeJob, NodeArgs>("node"));
        var node = new NodeArgs { Name = "loop" };
        node.Next = node;

        var ex = Assert.Throws<ArgumentException>(() => registration.SerializeArguments(node));

        Assert.That(ex!.Message, Does.StartWith("Job 'node' cannot store its arguments (NodeArgs): they cannot be written at '$.Next.Next.Next").And.Contain("object cycle"));
        Assert.That(ex.Message, Has.Length.LessThan(800), "The 64-deep path is shortened.");
        Assert.That(ex.InnerException, Is.InstanceOf<JsonException>());
    }

    [Test]
    public void SerializeArguments_DerivedInstance_ThrowsSayingWhatWouldBeLost()
    {
        var registration = Register(jobs => jobs.AddJob<BaseJob, BaseArgs>("base"));

        var ex = Assert.Throws<ArgumentException>(() => registration.SerializeArguments<BaseArgs>(new DerivedArgs { Id = 1, Extra = "x" }));

        Assert.That(ex!.Message, Does.Contain("takes arguments of type BaseArgs, but was given a DerivedArgs: only the members of BaseArgs would be stored")
            .And.Contain("[JsonDerivedType]"));
    }

    [Test]
    public void SerializeArguments_NoConstructorTheSerializerCanUse_ThrowsSayingTheyCannotBeReadBack()
    {
        var registration = Register(jobs => jobs.AddJob<TwoConstructorsJob, TwoConstructorsArgs>("two-constructors"));

        var ex = Assert.Throws<ArgumentException>(() => registration.SerializeArguments(new TwoConstructorsArgs(1)));

        Assert.That(ex!.ParamName, Is.EqualTo("args"));
        Assert.That(ex.Message, Does.StartWith("Job 'two-constructors' cannot store its arguments (TwoConstructorsArgs): they are written but cannot be read back")
            .And.Contain("give it a public parameterless constructor or a constructor whose parameters match its properties"));
    }

    private static JobRegistration Register(Func<BackgroundJobsBuilder, BackgroundJobsBuilder> add)
    {
        var services = new ServiceCollection();
        add(services.AddBackgroundJobs());
        return (JobRegistration)services.Single(d => d.ServiceType == typeof(JobRegistration)).ImplementationInstance!;
    }
}
