namespace BackgroundTasks;

/// <summary>The per-worker state of a loop that keeps none.</summary>
internal readonly struct NoLocal;
