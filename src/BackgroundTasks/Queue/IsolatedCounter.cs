using System.Runtime.InteropServices;

namespace BackgroundTasks;

/// <summary>
/// A counter that one core writes often (on every enqueue, on every park), alone in the 128 bytes around it:
/// x64 cores fetch and share memory as pairs of 64-byte cache lines, so fields next to such a counter would
/// move between cores with it, and every core that only reads them would miss each time.
/// </summary>
/// <remarks>
/// The value sits at byte 128 of 256, so the 128-byte block that holds it holds nothing else, wherever
/// the struct lands. Update <see cref="Value"/> through <see cref="Interlocked"/> and <see cref="Volatile"/>.
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = 256)]
internal struct IsolatedCounter
{
    [FieldOffset(128)]
    public long Value;
}
