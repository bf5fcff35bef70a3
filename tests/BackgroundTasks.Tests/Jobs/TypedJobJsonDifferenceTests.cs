using System.Text;
using System.Text.Json;

namespace BackgroundTasks.Tests.Jobs;

/// <summary>Finding where a typed job's arguments change on a round trip.</summary>
public sealed class TypedJobJsonDifferenceTests
{
    [TestCase("""{"a":1,"b":[1,2]}""", """{"a":1,"b":[1,2,3]}""", "$.b[2]", JsonValueKind.Undefined, JsonValueKind.Number)]
    [TestCase("""{"a":1,"b":"x"}""", """{"a":1}""", "$.b", JsonValueKind.String, JsonValueKind.Undefined)]
    [TestCase("""{"a":{"odd name":1}}""", """{"a":{"odd name":2}}""", "$.a['odd name']", JsonValueKind.Number, JsonValueKind.Number)]
    [TestCase("""{"a":1}""", """{"b":1,"a":1}""", "$.b", JsonValueKind.Undefined, JsonValueKind.Number)]
    [TestCase("""[{"x":true}]""", """[{"x":false}]""", "$[0].x", JsonValueKind.True, JsonValueKind.False)]
    [TestCase("""{"a":1,"b":2}""", """{"b":2,"a":1}""", "$", JsonValueKind.Object, JsonValueKind.Object)]
    public void Find_DifferentDocuments_GivesFirstPathAndKinds(string first, string second, string path, JsonValueKind before, JsonValueKind after)
    {
        var difference = JsonDifference.Find(Encoding.UTF8.GetBytes(first), Encoding.UTF8.GetBytes(second), maxDepth: 0);

        Assert.That(JsonDifference.FormatPath(difference.Path), Is.EqualTo(path));
        Assert.That(difference.Before, Is.EqualTo(before));
        Assert.That(difference.After, Is.EqualTo(after));
    }
}
