using System.Text;
using System.Text.Json;

namespace BackgroundTasks.Tests.Jobs;

public sealed class JobIdTests
{
    [Test]
    public void NewId_IsUniqueAndIncreasing()
    {
        var ids = Enumerable.Range(0, 10_000).Select(_ => JobId.NewId()).ToList();

        Assert.That(ids.Distinct().Count(), Is.EqualTo(ids.Count));
        Assert.That(ids, Is.Ordered);
        Assert.That(ids.Zip(ids.Skip(1)).All(pair => pair.First < pair.Second), Is.True, "Strictly increasing");
        Assert.That(ids.All(id => !id.IsEmpty), Is.True);
    }

    [Test]
    public void NewId_FromSeveralThreads_IsUniqueAndIncreasingOnEachThread()
    {
        const int Threads = 4;
        const int PerThread = 50_000;
        using var start = new Barrier(Threads);
        var perThread = new List<JobId>[Threads];
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            var ids = new List<JobId>(PerThread);
            start.SignalAndWait();
            for (var i = 0; i < PerThread; i++)
            {
                ids.Add(JobId.NewId());
            }

            perThread[t] = ids;
        })).ToList();

        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.That(perThread.SelectMany(ids => ids).Distinct().Count(), Is.EqualTo(Threads * PerThread));
        foreach (var ids in perThread)
        {
            Assert.That(ids.Zip(ids.Skip(1)).All(pair => pair.First < pair.Second), Is.True, "Each thread's ids increase strictly");
        }
    }

    [Test]
    public void NewId_CarriesTheWallClockTime()
    {
        var before = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        var id = JobId.NewId();
        var after = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();

        // The coarse clock lags by up to a tick (16 ms on Windows); a burst of ids may run a little ahead.
        Assert.That(id.UnixMilliseconds, Is.InRange(before - 1_000, after + 1_000));
    }

    [Test]
    public void GetHashCode_OfIdsMadeInSequence_SpreadsOverTheLowBits()
    {
        var lowBytes = Enumerable.Range(0, 1_000).Select(_ => JobId.NewId().GetHashCode() & 0xFF).Distinct().Count();

        Assert.That(lowBytes, Is.GreaterThan(200), "1,000 hashes should cover most of the 256 values of their low byte.");
    }

    [Test]
    public void ToString_RoundTripsThroughParse()
    {
        var id = JobId.NewId();

        var text = id.ToString();

        Assert.That(text, Has.Length.EqualTo(32).And.Match("^[0-9a-f]{32}$"));
        Assert.That(JobId.Parse(text), Is.EqualTo(id));
        Assert.That(JobId.TryParse(text, out var parsed) && parsed == id, Is.True);
        Assert.That(JobId.Parse(text.ToUpperInvariant()), Is.EqualTo(id), "Uppercase digits parse too.");
    }

    [Test]
    public void TextForms_SortLikeTheIds()
    {
        var ids = Enumerable.Range(0, 100).Select(_ => JobId.NewId()).ToList();

        Assert.That(ids.Select(id => id.ToString()), Is.Ordered.Using((IComparer<string>)StringComparer.Ordinal));
    }

    [Test]
    public void TryFormat_Span_RoundTripsThroughSpanParsable()
    {
        var id = JobId.NewId();
        Span<char> text = stackalloc char[40];

        Assert.That(id.TryFormat(text, out var written, default, null), Is.True);
        Assert.That(written, Is.EqualTo(32));
        Assert.That(ParseSpan<JobId>(text[..written]), Is.EqualTo(id));
        Assert.That(TryParseSpan<JobId>(text[..written], out var parsed) && parsed == id, Is.True);
        Assert.That($"{id}", Is.EqualTo(text[..written].ToString()), "Interpolation uses the same form.");
    }

    [Test]
    public void TryFormat_Utf8_RoundTripsThroughUtf8SpanParsable()
    {
        var id = JobId.NewId();
        Span<byte> utf8 = stackalloc byte[32];

        Assert.That(id.TryFormat(utf8, out var written, default, null), Is.True);
        Assert.That(written, Is.EqualTo(32));
        Assert.That(Encoding.UTF8.GetString(utf8), Is.EqualTo(id.ToString()));
        Assert.That(ParseUtf8<JobId>(utf8), Is.EqualTo(id));
        Assert.That(TryParseUtf8<JobId>(utf8, out var parsed) && parsed == id, Is.True);
    }

    [Test]
    public void TryFormat_DestinationTooShort_WritesNothingAndReturnsFalse()
    {
        var id = JobId.NewId();

        Assert.That(id.TryFormat(new char[31], out var chars, default, null), Is.False);
        Assert.That(id.TryFormat(new byte[31], out var bytes, default, null), Is.False);
        Assert.That((chars, bytes), Is.EqualTo((0, 0)));
    }

    [Test]
    public void Parsable_String_RoundTripsAndRejectsNull()
    {
        var id = JobId.NewId();

        Assert.That(ParseString<JobId>(id.ToString()), Is.EqualTo(id));
        Assert.That(TryParseString<JobId>(id.ToString(), out var parsed) && parsed == id, Is.True);
        Assert.That(TryParseString<JobId>(null, out parsed), Is.False);
        Assert.That(parsed.IsEmpty, Is.True);
    }

    [TestCase("")]
    [TestCase("xyz")]
    [TestCase("0000000000000000000000000000000g")]
    [TestCase("00000000000000000000000000000000")]
    [TestCase(" 0000000000000000000000000000001")]
    [TestCase("000000000000000000000000000000001")]
    public void Parse_BadText_ThrowsFormatExceptionSayingTheExpectedForm(string text)
    {
        Assert.That(() => JobId.Parse(text), Throws.InstanceOf<FormatException>().With.Message.Contains("32 hexadecimal digits"));
        Assert.That(JobId.TryParse(text, out _), Is.False);
        Assert.That(() => ParseSpan<JobId>(text), Throws.InstanceOf<FormatException>().With.Message.Contains("32 hexadecimal digits"));
        Assert.That(() => ParseUtf8<JobId>(Encoding.UTF8.GetBytes(text)), Throws.InstanceOf<FormatException>().With.Message.Contains("32 hexadecimal digits"));
        Assert.That(TryParseUtf8<JobId>(Encoding.UTF8.GetBytes(text), out var id), Is.False);
        Assert.That(id.IsEmpty, Is.True);
    }

    [Test]
    public void Parse_Null_ThrowsArgumentNull()
    {
        Assert.That(() => JobId.Parse(null!), Throws.ArgumentNullException);
    }

    [Test]
    public void Json_Value_IsTheTextFormAndRoundTrips()
    {
        var holder = new IdHolder(JobId.NewId(), JobId.NewId(), null);

        var json = JsonSerializer.Serialize(holder);

        Assert.That(json, Is.EqualTo($$"""{"Id":"{{holder.Id}}","Parent":"{{holder.Parent}}","Missing":null}"""));
        Assert.That(JsonSerializer.Deserialize<IdHolder>(json), Is.EqualTo(holder));
    }

    [Test]
    public void Json_DictionaryKey_IsTheTextFormAndRoundTrips()
    {
        var (first, second) = (JobId.NewId(), JobId.NewId());
        var map = new Dictionary<JobId, int> { [first] = 1, [second] = 2 };

        var json = JsonSerializer.Serialize(map);

        Assert.That(json, Is.EqualTo($$"""{"{{first}}":1,"{{second}}":2}"""));
        Assert.That(JsonSerializer.Deserialize<Dictionary<JobId, int>>(json), Is.EquivalentTo(map));
    }

    [Test]
    public void Json_EmptyId_RoundTrips()
    {
        var json = JsonSerializer.Serialize(default(JobId));

        Assert.That(json, Is.EqualTo("\"00000000000000000000000000000000\""));
        Assert.That(JsonSerializer.Deserialize<JobId>(json).IsEmpty, Is.True);
    }

    [Test]
    public void Json_EscapedText_IsRead()
    {
        var id = JobId.NewId();
        var escaped = string.Concat(id.ToString().Select(c => $"\\u{(int)c:x4}"));

        Assert.That(JsonSerializer.Deserialize<JobId>($"\"{escaped}\""), Is.EqualTo(id));
    }

    [TestCase("42")]
    [TestCase("null")]
    [TestCase("\"not-an-id\"")]
    [TestCase("{}")]
    public void Json_NotAnIdString_ThrowsJsonExceptionSayingTheExpectedForm(string json)
    {
        Assert.That(() => JsonSerializer.Deserialize<JobId>(json), Throws.InstanceOf<JsonException>().With.Message.Contains("32 hexadecimal digits"));
    }

    private static T ParseString<T>(string text)
        where T : IParsable<T> => T.Parse(text, null);

    private static bool TryParseString<T>(string? text, out T result)
        where T : IParsable<T> => T.TryParse(text, null, out result!);

    private static T ParseSpan<T>(ReadOnlySpan<char> text)
        where T : ISpanParsable<T> => T.Parse(text, null);

    private static bool TryParseSpan<T>(ReadOnlySpan<char> text, out T result)
        where T : ISpanParsable<T> => T.TryParse(text, null, out result!);

    private static T ParseUtf8<T>(ReadOnlySpan<byte> text)
        where T : IUtf8SpanParsable<T> => T.Parse(text, null);

    private static bool TryParseUtf8<T>(ReadOnlySpan<byte> text, out T result)
        where T : IUtf8SpanParsable<T> => T.TryParse(text, null, out result!);

    private sealed record IdHolder(JobId Id, JobId? Parent, JobId? Missing);
}
