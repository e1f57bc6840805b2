"""The README.md of an assignment folder: what a student needs to know besides the notebook.

Written from course.yaml by the release (autograder/integration/release.py), so its points table is the
course's. Chinese first, then English, as in the notebooks.
"""

from autograder.grading.course import Course, load_course

SETUP = """\
## 准备 · Set-up

需要 Python 3.10 或更高版本。在本文件夹里运行（Windows 上把第二行换成 `.venv\\Scripts\\activate`）：
Python 3.10 or later. In this folder (on Windows, the second line is `.venv\\Scripts\\activate`):

```
python3 -m venv .venv
. .venv/bin/activate
pip install -r requirements.txt
jupyter lab {notebook}
```

课程若用 JupyterHub，这些都已装好：直接在 JupyterLab 的 Assignment List 里取作业（Fetch）。
If your course runs JupyterHub, all of this is installed: fetch the assignment from JupyterLab's Assignment List.
"""

GRADED = """\
## 哪个笔记本计分 · Which notebook is graded

只有 `{notebook}` 计分。不要改它的文件名，不要删除、复制或移动它的单元格（自检单元格和推导单元格也不要动）；本文件夹里的其它文件（自检、数据、图）不计分，请保持原样。
Only `{notebook}` is graded. Keep its name, and do not delete, copy or move its cells (the self-check and derivation cells included); the other files of this folder (the self-check, the data, the figures) are not graded: leave them as they are.
"""

SUBMIT = """\
## 提交 · Submitting

- 课程用 nbgrader（JupyterHub）：在 JupyterLab 的 Assignment List 里点 Submit。可以提交多次，评分的是最后一次。
- 课程用 Canvas、Moodle 或 Blackboard：上传 `{notebook}` 这一个文件。不要压缩，不要转换成 `.py` 或 PDF；文件名被平台加上前缀或 `(1)` 之类的后缀没有关系。

- With nbgrader (JupyterHub): press Submit in JupyterLab's Assignment List. You may submit more than once; the last submission is graded.
- With Canvas, Moodle or Blackboard: upload the one file `{notebook}`. Do not zip it or convert it to `.py` or PDF; a prefix or a suffix such as `(1)` that the platform adds to its name does no harm.
"""

CHECKS = """\
## 自检与梯度检验 · The self-check and the gradient check

- 每个函数下面的自检单元格在几个公开用例上运行它，打印一行：通过、尚未完成，或哪里不对以及提示。在本文件夹里运行 `pytest` 会对笔记本中的每个函数做同样的检查（只取函数定义，不运行图和训练）。公开用例又小又固定，通过它们是好兆头，但不是分数；它们与评分用同一种比较，所以自检说对的用例，评分时也算对。
- 梯度检验单元格把你的解析梯度与中心差分 $(E(p + h) - E(p - h)) / 2h$ 逐个元素比较，按参数块打印相对误差和它的含义：低于 $10^{{-7}}$ 为一致；接近 1 多半是符号错了；形状不对多半是转置了。{gradient_check_zh}
- 综合练习（capstone）用到的函数若没有通过自检，它会在结果上方说明：那时的结果不可信。

- The self-check cell below each function runs it on a few public cases and prints one line: passed, not implemented yet, or what is wrong with a hint. `pytest` in this folder checks every function of the notebook the same way (it takes the definitions only, without the plots and the training). The public cases are small and fixed: passing them is a good sign, not a grade. They use the grader's own comparison, so a case the self-check calls right is right in grading too.
- The gradient-check cell compares your analytic gradient with the centred difference $(E(p + h) - E(p - h)) / 2h$ entry by entry and prints, per parameter block, the relative error and what it means: below $10^{{-7}}$ is agreement; close to 1 is most likely a flipped sign; a wrong shape most likely a transpose. {gradient_check_en}
- A capstone that uses a function whose self-check fails says so above its result: that result is not to be trusted.
"""

GRADIENT_CHECK = {
    "perceptron": (
        "它检验 `perceptron_gradient` 是否是你的 `perceptron_loss` 的梯度。",
        "It checks that `perceptron_gradient` is the gradient of your `perceptron_loss`.",
    ),
    "bp": (
        "它在你写完四个更新之后检验它们：由你的 `forward`、`output_gradient`、`hidden_gradient` 与四个 Δ 函数算出的 $-\\Delta / \\eta$（v、γ、w、θ 四块）是否是你的 `squared_error` 给出的 $E_k$ 的梯度。",
        "It checks your four updates once they are written: whether $-\\Delta / \\eta$ (blocks v, γ, w, θ), from your `forward`, `output_gradient`, `hidden_gradient` and four Δ functions, is the gradient of the $E_k$ your `squared_error` computes.",
    ),
}

GRADING = """\
## 评分 · How you are graded

- **逐个公式。** 每个函数是一项，分数见下表。评分在你提交后进行，用的是隐藏用例：每个学生不同、随机生成，与公开用例不同。批改一个函数时，它调用的其它计分函数若有错，就换成参考实现，所以一个错误只扣它所在那一项的分。
- **部分得分。** 一项的用例分成几组（如一般情形、饱和、单个输出）；得分按各组通过的比例加权。常见错误（例如阈值更新的符号）会被认出，反馈会指出来。
- **只看数值。** 与参考结果形状相同、数值在容差之内就算对，不论是列表、0 维数组还是 NumPy 标量；反馈会提示应返回什么。
- **推导单元格**由老师按评分标准手工批改，分数在下表中。写清楚每一步的理由：用了哪条链式法则、哪个因子从何而来、符号为什么是这样。老师批改之前，反馈页上这一格显示“待教师评分”，不计入页首的得分（页首写明已批改部分的得分和还有多少分待评），不是 0 分。
- {feedback_zh}

- **Equation by equation.** Each function is an item, worth the points in the table below. Grading happens after you submit, on hidden cases: random, different for every student, and other than the public ones. While a function is graded, the other graded functions it calls are replaced by the reference's if yours are wrong, so a mistake costs only the item it is in.
- **Partial credit.** An item's cases come in groups (the general case, saturation, a single output, …); its score weighs the share of each group passed. Common mistakes (say the sign of a threshold's update) are recognised and named in the feedback.
- **Values, not containers.** A result of the reference's shape, within tolerance of its values, is right, be it a list, a 0-d array or a NumPy scalar; the feedback says what to return.
- **Derivation cells** are graded by your teacher against a rubric, for the points in the table. Give each step its reason: which chain rule, where each factor comes from, why the sign is what it is. Until your teacher has graded one, your feedback page shows it as "Awaiting a grader", not as 0, and leaves it out of the score at the top (which says the score of what is graded so far and how many points still await a grader).
- {feedback_en}
"""


# What the feedback shows, by course.yaml's `feedback` (autograder/grading/feedback.py): (Chinese, English)
FEEDBACK = {
    "case": (
        "**反馈**给出每一项的得分和提示。一项的函数返回了错误的结果或抛出了异常时，反馈还会完整给出你自己的第一个未通过的隐藏用例：它的输入、期望的结果、你的结果和不同之处（大的数组只给形状、最小值、最大值和平均值）；其它隐藏用例的数值不会给出。每次提交改过的代码都用新的用例评分，所以照抄反馈里的期望值得不到分。",
        "**Feedback** gives each item's score and hint. Where an item's function returned a wrong result or raised an exception, it also shows your own first failing hidden case whole: its inputs, the expected result, yours and where they differ (a large array by its shape, smallest, largest and mean entry); no other hidden case's values. Each submission of changed code is graded on fresh cases, so an expected value copied from the feedback earns nothing.",
    ),
    "summary": (
        "**反馈**给出每一项的得分和提示，以及第一个未通过的用例错在哪里（类型、形状还是数值），不给出隐藏用例的数值。",
        "**Feedback** gives each item's score and hint, and how its first failing case failed (the type, the shape or the values), never a hidden case's values.",
    ),
}


def readme(assignment_id: str, course: Course | None = None) -> str:
    """The README.md text of an assignment's folder."""
    course = course or load_course()
    assignment = course.assignment(assignment_id)
    notebook = f"{assignment.id}.ipynb"
    zh, en = GRADIENT_CHECK[assignment.id]
    feedback_zh, feedback_en = FEEDBACK[course.feedback]
    rows = [
        f"| `{item.function}` | {item.equation} | {item.points:g} |" for item in assignment.items
    ]
    rows += [
        f"| 推导 derivation `{derivation.id}` | {derivation.equation} | {derivation.points:g} |"
        for derivation in assignment.derivations
    ]
    table = "\n".join(
        [
            "| 项 Item | 公式 Equation | 分 Points |",
            "|---|---|---|",
            *rows,
            f"| **合计 Total** | | **{assignment.total_points:g}** |",
        ]
    )
    return "\n".join(
        [
            f"# {assignment.title}\n",
            f"本文件夹是作业 `{assignment.id}`。先读笔记本 `{notebook}` 开头的说明。\nThis folder is the assignment `{assignment.id}`. Start with the introduction at the top of the notebook `{notebook}`.\n",
            SETUP.format(notebook=notebook),
            GRADED.format(notebook=notebook),
            SUBMIT.format(notebook=notebook),
            CHECKS.format(gradient_check_zh=zh, gradient_check_en=en),
            GRADING.format(feedback_zh=feedback_zh, feedback_en=feedback_en),
            table,
            "",
        ]
    )
