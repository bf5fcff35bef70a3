using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace BackgroundTasks;

/// <summary>
/// The typed jobs this host can run, by name and by class: one singleton built from every <c>AddJob</c>
/// call, across all <c>AddBackgroundJobs</c> calls. A stored job name is looked up here and nowhere else.
/// </summary>
internal sealed class JobRegistry
{
    private readonly FrozenDictionary<string, JobRegistration> _byName;
    private readonly FrozenDictionary<Type, JobRegistration> _byType;

    /// <summary>Initializes a new instance of the <see cref="JobRegistry"/> class.</summary>
    /// <param name="registrations">The registrations; a repeated identical one counts once.</param>
    /// <exception cref="InvalidOperationException">Two registrations conflict (one name for two classes, one class under two names); the message names both.</exception>
    public JobRegistry(IEnumerable<JobRegistration> registrations)
    {
        var (byName, byType, conflicts) = Index(registrations);
        if (conflicts.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", conflicts));
        }

        _byName = byName.ToFrozenDictionary(StringComparer.Ordinal);
        _byType = byType.ToFrozenDictionary();
    }

    /// <summary>Gets the registered names.</summary>
    public IReadOnlyCollection<string> Names => _byName.Keys;

    /// <summary>Finds the job registered under a name.</summary>
    public bool TryGet(string name, [MaybeNullWhen(false)] out JobRegistration registration) => _byName.TryGetValue(name, out registration);

    /// <summary>Gets the job registered under a name.</summary>
    /// <exception cref="InvalidOperationException">No job is registered under <paramref name="name"/>; the message lists the registered names.</exception>
    public JobRegistration Get(string name) =>
        _byName.TryGetValue(name, out var registration) ? registration : throw TypedJobErrors.UnknownName(name, _byName.Keys);

    /// <summary>Gets the registration of a job class.</summary>
    /// <exception cref="InvalidOperationException"><typeparamref name="TJob"/> is not registered; the message says to call <c>AddJob</c>.</exception>
    public JobRegistration Get<TJob>() => For(typeof(TJob));

    /// <summary>Gets the registration of a job class.</summary>
    /// <exception cref="InvalidOperationException"><paramref name="jobType"/> is not registered; the message says to call <c>AddJob</c>.</exception>
    public JobRegistration For(Type jobType) =>
        _byType.TryGetValue(jobType, out var registration) ? registration : throw TypedJobErrors.NotRegistered(jobType);

    /// <summary>Says what conflicts among the registrations, one sentence each; empty when nothing does.</summary>
    public static IReadOnlyList<string> FindConflicts(IEnumerable<JobRegistration> registrations) => Index(registrations).Conflicts;

    private static (Dictionary<string, JobRegistration> ByName, Dictionary<Type, JobRegistration> ByType, List<string> Conflicts) Index(IEnumerable<JobRegistration> registrations)
    {
        var byName = new Dictionary<string, JobRegistration>(StringComparer.Ordinal);
        var byType = new Dictionary<Type, JobRegistration>();
        var conflicts = new List<string>();
        foreach (var added in registrations)
        {
            if (byName.TryGetValue(added.Name, out var existing) && added.IsRepeatOf(existing))
            {
                continue;
            }

            var conflict = existing is not null ? TypedJobErrors.Conflict(existing, added)
                : byType.TryGetValue(added.JobType, out existing) ? TypedJobErrors.Conflict(existing, added)
                : null;
            if (conflict is not null)
            {
                conflicts.Add(conflict);
                continue;
            }

            byName.Add(added.Name, added);
            byType.Add(added.JobType, added);
        }

        return (byName, byType, conflicts);
    }
}
