namespace Threadwork.Selection;

/// <summary>What registering one case of a waiting select did.</summary>
internal enum CaseRegistration
{
    /// <summary>The case waits: its queue or socket will claim the select when it is ready, unless withdrawn first.</summary>
    Registered,

    /// <summary>The case was ready, claimed the select itself and produced the result; it was not registered.</summary>
    Completed,

    /// <summary>The select was already claimed by a case registered earlier: its completion is on its way.</summary>
    AlreadyClaimed,
}
