using System.Collections.Frozen;
using System.Security.Cryptography;

namespace BackgroundTasks.Dashboard;

/// <summary>
/// The stylesheet and script, embedded in this assembly (no CDN, no build step) and served by the dashboard
/// itself. Each has a version (a hash of its bytes) that pages put in its URL, so browsers may cache it for good.
/// </summary>
internal static class EmbeddedAssets
{
    public const string Stylesheet = "dashboard.css";
    public const string Script = "dashboard.js";

    private static readonly Lazy<FrozenDictionary<string, Asset>> s_assets = new(Load);

    public static bool TryGet(string name, out Asset asset) => s_assets.Value.TryGetValue(name, out asset!);

    public static string VersionOf(string name) => s_assets.Value[name].Version;

    private static FrozenDictionary<string, Asset> Load()
    {
        var assembly = typeof(EmbeddedAssets).Assembly;
        return new[] { (Stylesheet, "text/css; charset=utf-8"), (Script, "text/javascript; charset=utf-8") }.ToFrozenDictionary(
            static a => a.Item1,
            a =>
            {
                var resource = $"BackgroundTasks.Dashboard.Assets.{a.Item1}";
                using var stream = assembly.GetManifestResourceStream(resource)
                    ?? throw new InvalidOperationException($"The dashboard's asset '{resource}' is missing from {assembly.GetName().Name}; the package is damaged.");
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                var bytes = copy.ToArray();
                var version = Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 8));
                return new Asset(bytes, a.Item2, version);
            },
            StringComparer.Ordinal);
    }

    /// <summary>One asset's bytes, content type and version.</summary>
    internal sealed record Asset(byte[] Content, string ContentType, string Version)
    {
        public string ETag { get; } = $"\"{Version}\"";
    }
}
