// Drives a SurveyJS (survey-core) model through the same answers as bench_engine.py and prints
// the median microseconds per step (set value + next page + progress text).
// Usage: node surveyjs_driver.js SURVEY_CORE_DIR < {"survey": {...}, "answers": [[name, value], ...]}
const path = process.argv[2];
const Survey = require(path);
let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const { survey: json, answers, repeats } = JSON.parse(input);
  const timings = [];
  for (let run = 0; run < repeats; run++) {
    const survey = new Survey.Model(json);
    survey.progressBarType = "questions";
    for (const [name, value] of answers) {
      const start = process.hrtime.bigint();
      survey.setValue(name, value);
      survey.nextPage();
      const text = survey.progressText;
      timings.push(Number(process.hrtime.bigint() - start) / 1000);
      if (!text) throw new Error("no progress text");
    }
  }
  timings.sort((a, b) => a - b);
  console.log(JSON.stringify({ median_us: timings[Math.floor(timings.length / 2)], steps: timings.length }));
});
