namespace BackgroundTasks.Dashboard;

/// <summary>
/// HTML that is already safe: built by an <see cref="HtmlBuilder"/> (which encodes every value it is given)
/// or a literal of the dashboard's own. Only a <see cref="Markup"/> is written into a page without encoding.
/// </summary>
internal readonly record struct Markup(string Html)
{
    public static Markup Empty { get; } = new(string.Empty);

    public override string ToString() => Html ?? string.Empty;
}
