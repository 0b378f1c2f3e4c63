export interface SparklineProps {
  values: readonly number[];
  /** Fixed top of the scale (100 for CPU %); otherwise the largest value shown. */
  max?: number;
  width?: number;
  height?: number;
  label: string;
  testId?: string;
}

/** A tiny inline chart; a chart library would cost more than the whole run panel. */
export function Sparkline({ values, max, width = 48, height = 20, label, testId }: SparklineProps) {
  const top = Math.max(max ?? 0, ...values, 1e-9);
  const step = values.length > 1 ? width / (values.length - 1) : 0;
  const points = values
    .map((v, i) => `${(i * step).toFixed(1)},${(height - (v / top) * (height - 2) - 1).toFixed(1)}`)
    .join(' ');
  return (
    <svg
      className="run-sparkline"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={label}
      data-testid={testId}
      data-samples={values.length}
    >
      {values.length > 1 && (
        <polyline points={points} fill="none" vectorEffect="non-scaling-stroke" />
      )}
    </svg>
  );
}
