/// The PySpark job of `influence spark` (`influence_spark.py` beside this file), carried inside
/// the binary so that it runs wherever the binary was installed, with no Python in the build.
public enum SparkJob {
    /// The job's source text.
    public static var source: String { String(decoding: PackageResources.influence_spark_py, as: UTF8.self) }

    /// The PySpark release the job is written and tested against.
    public static let pysparkVersion = "3.5.9"
}
