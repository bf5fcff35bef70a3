namespace BackgroundTasks.Testing;

/// <summary>Every check of the conformance kit, one per clause of the <see cref="IJobStore"/> contract, in the order they run.</summary>
internal static partial class ConformanceChecks
{
    public static readonly IReadOnlyList<ConformanceCheck> All =
    [
        new("AddThenGetRoundTrips", "GetAsync returns every field of a job that AddAsync recorded, Queued or Scheduled.", AddThenGetRoundTripsAsync),
        new("AddDuplicateIdIsRejected", "AddAsync of an id that is already recorded throws ArgumentException and changes nothing.", AddDuplicateIdIsRejectedAsync),
        new("UnknownJobIsNotFound", "For an unknown id, GetAsync returns null, and TransitionAsync and ReportProgressAsync return false without creating a record.", UnknownJobIsNotFoundAsync),
        new("HappyPathIsRecorded", "A job moved Scheduled → Queued → Running → Retrying → Queued → Running → Succeeded is recorded at every step.", HappyPathIsRecordedAsync),
        new("RunningSetsAttemptAndStartedAt", "Running sets Attempt and StartedAt, clears ScheduledAt and changes nothing else.", RunningSetsAttemptAndStartedAtAsync),
        new("RetryingSetsScheduledAtAndError", "Retrying sets ScheduledAt and Error and changes nothing else.", RetryingSetsScheduledAtAndErrorAsync),
        new("SucceededSetsFinishedAt", "Succeeded sets FinishedAt, clears ScheduledAt and changes nothing else.", SucceededSetsFinishedAtAsync),
        new("SucceededKeepsResult", "Succeeded keeps the transition's Result, returned by GetAsync as an equal value of the same type.", SucceededKeepsResultAsync),
        new("FailedSetsFinishedAtAndError", "Failed sets FinishedAt and, when the transition carries one, Error; it clears ScheduledAt and changes nothing else.", FailedSetsFinishedAtAndErrorAsync),
        new("CancelledSetsFinishedAtAndError", "Cancelled, from every status that is not terminal, sets FinishedAt and, when the transition carries one, Error; it clears ScheduledAt and changes nothing else.", CancelledSetsFinishedAtAndErrorAsync),
        new("CancelledKeepsCancelReason", "Cancelled sets CancelReason to the transition's reason (Requested, Shutdown or None) from every status that is not terminal; no other transition sets it.", CancelledKeepsCancelReasonAsync),
        new("ScheduledAtIsClearedOutsideScheduledAndRetrying", "ScheduledAt is cleared on every status but Scheduled and Retrying, even when a transition carries one.", ScheduledAtIsClearedAsync),
        new("DisallowedTransitionsAreRefused", "Every transition that JobTransition.IsAllowed forbids returns false and leaves the record unchanged.", DisallowedTransitionsAreRefusedAsync),
        new("RunningNeedsAGreaterAttempt", "A transition to Running with an attempt not greater than the recorded one returns false and changes nothing.", RunningNeedsAGreaterAttemptAsync),
        new("TerminalStatusIsFinal", "Once Succeeded, Failed or Cancelled, no transition and no progress changes the record.", TerminalStatusIsFinalAsync),
        new("ProgressIsKeptWhileNotTerminal", "ReportProgressAsync on a Scheduled, Queued, Running or Retrying job returns true, replaces Progress (latest wins) and keeps it through later transitions.", ProgressIsKeptWhileNotTerminalAsync),
        new("ProgressIsRefusedOnceTerminal", "ReportProgressAsync on a terminal job returns false and keeps the last progress written before it.", ProgressIsRefusedOnceTerminalAsync),
        new("ImmutableFieldsNeverChange", "Id, Name, Queue, Priority, MaxAttempts, EnqueuedAt and ParentId never change after AddAsync.", ImmutableFieldsNeverChangeAsync),
        new("ArgumentsAreKept", "AddAsync keeps a typed job's Arguments (its serialized JSON) exactly, Queued or Scheduled, and no transition or progress changes them.", ArgumentsAreKeptAsync),
        new("TraceContextIsKept", "AddAsync keeps a job's TraceParent and TraceState (the enqueuing code's W3C trace context) exactly, and no transition or progress changes them.", TraceContextIsKeptAsync),
        new("UniqueKeyIsKept", "AddUniqueAsync and AddAsync keep a job's UniqueKey exactly, and no transition or progress changes it.", UniqueKeyIsKeptAsync),
        new("UniqueKeyIsHeldWhileNotTerminal", "AddUniqueAsync of a key that a Scheduled, Queued, Running or Retrying job holds records nothing and returns that job's id; another key is recorded.", UniqueKeyIsHeldWhileNotTerminalAsync),
        new("UniqueKeyIsReleasedWhenTerminal", "A Succeeded, Failed or Cancelled job holds its key only if it finished at or after finishedSince; otherwise AddUniqueAsync records the new job, which holds the key from then on.", UniqueKeyIsReleasedWhenTerminalAsync),
        new("AddUniqueWithoutKeyIsRejected", "AddUniqueAsync of a job without a UniqueKey (null or empty) throws ArgumentException and records nothing.", AddUniqueWithoutKeyIsRejectedAsync),
        new("RecordsAreSnapshots", "A record or query page handed out earlier never changes when the job moves on or jobs are added.", RecordsAreSnapshotsAsync),
        new("NonTerminalJobsAreKept", "A store may forget a job only after it is terminal: every job that is not terminal stays readable and queryable.", NonTerminalJobsAreKeptAsync),
        new("QueryFiltersMatch", "QueryAsync returns exactly the jobs that JobQuery.Matches accepts, for status, queue, name and parent filters alone and combined.", QueryFiltersMatchAsync),
        new("QueryReturnsNewestFirst", "QueryAsync returns jobs in descending JobId order, whatever order they were added in.", QueryReturnsNewestFirstAsync),
        new("QueryPagesWithSkipAndTake", "QueryAsync skips Skip matching jobs and returns at most Take, so pages follow each other with no duplicates and no gaps.", QueryPagesWithSkipAndTakeAsync),
        new("CountsMatchTheJobs", "CountAsync returns, for each queue and status that has jobs, how many (an empty store counts nothing); the default, through QueryAsync, passes.", CountsMatchTheJobsAsync),
        new("DeleteRemovesOnlyFinishedJobs", "DeleteAsync never deletes an unknown or unfinished job; a finished job it deletes is gone from GetAsync, QueryAsync and CountAsync. A store that does not delete (the default returns false) passes, its records kept whole.", DeleteRemovesOnlyFinishedJobsAsync),
        new("ConcurrentLifecyclesEndCorrect", "Many jobs driven through their lifecycles from parallel tasks all end with the right record, and every write is applied.", ConcurrentLifecyclesEndCorrectAsync),
        new("RacingTerminalTransitionsHaveOneWinner", "When Succeeded, Failed and Cancelled race for one Running job, exactly one returns true and the record is the winner's.", RacingTerminalTransitionsHaveOneWinnerAsync),
        new("CancellationRacingARunIsConsistent", "A cancellation racing a job's Running, progress and Succeeded writes leaves exactly one terminal status and a record that matches the writes that returned true.", CancellationRacingARunIsConsistentAsync),
        new("RacingUniqueAddsHaveOneWinner", "When 8 AddUniqueAsync calls race for one key, exactly one job is recorded and every call returns its id.", RacingUniqueAddsHaveOneWinnerAsync),
        new("ConcurrentReadsSeeWholeRecordsInOrder", "GetAsync and QueryAsync running during writes only ever see whole records, and never see a job move backwards.", ConcurrentReadsSeeWholeRecordsInOrderAsync),
    ];
}
