namespace BackgroundTasks.Tests.Jobs;

public sealed class JobIdTests
{
    [Test]
    public void NewId_IsUniqueAndIncreasing()
    {
        var ids = Enumerable.Range(0, 10_000).Select(_ => JobId.NewId()).ToList();

        Assert.That(ids.Distinct().Count(), Is.EqualTo(ids.Count));
        Assert.That(ids, Is.Ordered);
        Assert.That(ids.All(id => !id.IsEmpty), Is.True);
    }

    [Test]
    public void NewId_FromManyThreads_IsUnique()
    {
        var ids = new System.Collections.Concurrent.ConcurrentBag<JobId>();
        Parallel.For(0, 20_000, _ => ids.Add(JobId.NewId()));

        Assert.That(ids.Distinct().Count(), Is.EqualTo(20_000));
    }

    [Test]
    public void ToString_RoundTripsThroughParse()
    {
        var id = JobId.NewId();

        var text = id.ToString();

        Assert.That(text, Has.Length.EqualTo(32).And.Match("^[0-9a-f]{32}$"));
        Assert.That(JobId.Parse(text), Is.EqualTo(id));
        Assert.That(JobId.TryParse(text, out var parsed) && parsed == id, Is.True);
    }

    [TestCase("")]
    [TestCase("xyz")]
    [TestCase("0000000000000000000000000000000g")]
    [TestCase("00000000000000000000000000000000")]
    public void Parse_BadText_ThrowsFormatExceptionSayingTheExpectedForm(string text)
    {
        Assert.That(() => JobId.Parse(text), Throws.InstanceOf<FormatException>().With.Message.Contains("32 hexadecimal digits"));
        Assert.That(JobId.TryParse(text, out _), Is.False);
    }

    [Test]
    public void Parse_Null_ThrowsArgumentNull()
    {
        Assert.That(() => JobId.Parse(null!), Throws.ArgumentNullException);
    }
}
