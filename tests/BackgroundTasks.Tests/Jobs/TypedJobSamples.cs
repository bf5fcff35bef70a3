using System.Text.Json.Serialization;

namespace BackgroundTasks.Tests.Jobs;

/// <summary>Jobs and argument types for the typed-job tests: good ones, and ones that lose data when stored.</summary>
public static class TypedJobSamples
{
    public sealed record InvoiceArgs(int InvoiceId, string Email);

    /// <summary>Counts the job instances DI makes and what each ran with.</summary>
    public sealed class JobCalls
    {
        private int _instances;

        public List<(int Instance, object? Args, JobContext? Context)> Runs { get; } = [];

        public int NextInstance() => Interlocked.Increment(ref _instances);
    }

    /// <summary>A scoped dependency, to see which scope a job came from.</summary>
    public sealed class ScopeMarker
    {
        public Guid Id { get; } = Guid.NewGuid();
    }

    public sealed class SendInvoice(JobCalls calls, ScopeMarker scope) : IJob<InvoiceArgs>
    {
        public int Instance { get; } = calls.NextInstance();

        public ScopeMarker Scope => scope;

        public Task RunAsync(InvoiceArgs args, JobContext context)
        {
            lock (calls.Runs)
            {
                calls.Runs.Add((Instance, args, context));
            }

            return Task.CompletedTask;
        }
    }

    public sealed class SendReminder : IJob<InvoiceArgs>
    {
        public Task RunAsync(InvoiceArgs args, JobContext context) => Task.CompletedTask;
    }

    public sealed record SumArgs(int[] Numbers);

    public sealed class Sum : IJob<SumArgs, int>
    {
        public Task<int> RunAsync(SumArgs args, JobContext context) => Task.FromResult(args.Numbers.Sum());
    }

    /// <summary>A job that takes two kinds of arguments, registered for one.</summary>
    public sealed class TwoWay : IJob<InvoiceArgs>, IJob<SumArgs>
    {
        public Task RunAsync(InvoiceArgs args, JobContext context) => Task.CompletedTask;

        public Task RunAsync(SumArgs args, JobContext context) => Task.CompletedTask;
    }

    /// <summary>To is set by a constructor the serializer does not use, so it is lost on the way back.</summary>
    public sealed class GetOnlyArgs
    {
        public GetOnlyArgs()
        {
        }

        public GetOnlyArgs(string to) => To = to;

        public string? To { get; }
    }

    public sealed class GetOnlyJob : IJob<GetOnlyArgs>
    {
        public Task RunAsync(GetOnlyArgs args, JobContext context) => Task.CompletedTask;
    }

    public sealed class OrderLine
    {
        public OrderLine()
        {
        }

        public OrderLine(decimal price) => Price = price;

        public string? Sku { get; set; }

        public decimal Price { get; }
    }

    public sealed class OrderArgs
    {
        public List<OrderLine> Lines { get; set; } = [];
    }

    public sealed class OrderJob : IJob<OrderArgs>
    {
        public Task RunAsync(OrderArgs args, JobContext context) => Task.CompletedTask;
    }

    public sealed class FieldArgs
    {
#pragma warning disable CA1051 // The point of the sample: a public field the serializer skips.
        public string? Note;
#pragma warning restore CA1051

        public int Count { get; set; }
    }

    public sealed class FieldJob : IJob<FieldArgs>
    {
        public Task RunAsync(FieldArgs args, JobContext context) => Task.CompletedTask;
    }

    public sealed class IgnoredFieldArgs
    {
#pragma warning disable CA1051 // A public field the job does not need, marked so.
        [JsonIgnore]
        public string? Cache;
#pragma warning restore CA1051

        public int Count { get; set; }
    }

    public sealed class IgnoredFieldJob : IJob<IgnoredFieldArgs>
    {
        public Task RunAsync(IgnoredFieldArgs args, JobContext context) => Task.CompletedTask;
    }

    public sealed class WriteOnlyArgs
    {
        public int Count { get; set; }

#pragma warning disable CA1044 // The point of the sample: a property the serializer never writes.
        public string? Secret { private get; set; }
#pragma warning restore CA1044

        public string? Peek() => Secret;
    }

    public sealed class WriteOnlyJob : IJob<WriteOnlyArgs>
    {
        public Task RunAsync(WriteOnlyArgs args, JobContext context) => Task.CompletedTask;
    }

    public sealed class StreamArgs
    {
        public Stream? Body { get; set; }
    }

    public sealed class StreamJob : IJob<StreamArgs>
    {
        public Task RunAsync(StreamArgs args, JobContext context) => Task.CompletedTask;
    }

    public sealed class CallbackArgs
    {
        public Func<int>? Callback { get; set; }
    }

    public sealed class CallbackJob : IJob<CallbackArgs>
    {
        public Task RunAsync(CallbackArgs args, JobContext context) => Task.CompletedTask;
    }

    public sealed class NodeArgs
    {
        public string? Name { get; set; }

        public NodeArgs? Next { get; set; }
    }

    public sealed class NodeJob : IJob<NodeArgs>
    {
        public Task RunAsync(NodeArgs args, JobContext context) => Task.CompletedTask;
    }

    public class BaseArgs
    {
        public int Id { get; set; }
    }

    public sealed class DerivedArgs : BaseArgs
    {
        public string? Extra { get; set; }
    }

    public sealed class BaseJob : IJob<BaseArgs>
    {
        public Task RunAsync(BaseArgs args, JobContext context) => Task.CompletedTask;
    }

    public sealed class TwoConstructorsArgs
    {
        public TwoConstructorsArgs(int count) => Count = count;

        public TwoConstructorsArgs(int count, string label)
        {
            Count = count;
            Label = label;
        }

        public int Count { get; set; }

        public string? Label { get; set; }
    }

    public sealed class TwoConstructorsJob : IJob<TwoConstructorsArgs>
    {
        public Task RunAsync(TwoConstructorsArgs args, JobContext context) => Task.CompletedTask;
    }

    public sealed class AttachmentsArgs
    {
        public List<Stream> Attachments { get; set; } = [];
    }

    public sealed class AttachmentsJob : IJob<AttachmentsArgs>
    {
        public Task RunAsync(AttachmentsArgs args, JobContext context) => Task.CompletedTask;
    }

    public sealed class PayloadArgs
    {
        public object? Payload { get; set; }
    }

    public sealed class PayloadJob : IJob<PayloadArgs>
    {
        public Task RunAsync(PayloadArgs args, JobContext context) => Task.CompletedTask;
    }
}
