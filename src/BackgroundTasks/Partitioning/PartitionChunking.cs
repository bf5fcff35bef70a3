namespace BackgroundTasks;

/// <summary>How <see cref="ParallelWork"/> cuts its input into the chunks that workers claim.</summary>
public enum PartitionChunking
{
    /// <summary>
    /// Chunks shrink as the work runs out: each claim takes a share of what is left (about
    /// 1 / (2 × workers)), never more than a <see cref="Dynamic"/> chunk and never less than
    /// <see cref="PartitionOptions.MinChunkSize"/>. A balanced finish even when items cost different amounts,
    /// and no worker holds a large part of the input, so a worker slowed down by other work on its core
    /// cannot hold up the rest. The default.
    /// </summary>
    Guided = 0,

    /// <summary>
    /// Chunks of one fixed size (<see cref="PartitionOptions.MinChunkSize"/>, or a size derived from the
    /// input when that is 0) claimed one after another by whichever worker is free.
    /// </summary>
    Dynamic = 1,

    /// <summary>
    /// One contiguous chunk per worker, of equal size. Cheapest when every item costs the same; poor when
    /// they do not. A worker that starts late leaves its chunk to the others, so the caller never waits for it.
    /// </summary>
    Static = 2,
}
