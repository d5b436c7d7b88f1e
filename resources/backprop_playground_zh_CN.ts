<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>AutogradLab</name>
    <message>
        <location filename="../playground/gui/autograd_vjp_panel.py" line="+53"/>
        <source>x.grad: None (press Backward)</source>
        <translation>x.grad：None（请按“反向传播”）</translation>
    </message>
    <message>
        <location filename="../playground/gui/autograd_graph_pane.py" line="+21"/>
        <source>Computation graph of the scalar example</source>
        <translation>标量示例的计算图</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>What autograd recorded while computing out, drawn from x (top) to out (bottom). Orange boxes are grad_fn operations, blue boxes tensors with their value and gradient. Arrows show the way backward() walks: from out through each grad_fn to AccumulateGrad, which writes x.grad.</source>
        <translation>自动求导在计算 out 时记录下的内容，从 x（上）画到 out（下）。橙色框是 grad_fn 运算，蓝色框是张量及其值和梯度。箭头是 backward() 走过的路线：从 out 出发，经过每个 grad_fn，直到写入 x.grad 的 AccumulateGrad。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Computation graph</source>
        <translation>计算图</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Zoom in</source>
        <translation>放大</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Draw the graph larger (Ctrl + wheel up, Ctrl + +).</source>
        <translation>把计算图画大一些（Ctrl + 滚轮向上，Ctrl + +）。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Draw the graph smaller (Ctrl + wheel down, Ctrl + -).</source>
        <translation>把计算图画小一些（Ctrl + 滚轮向下，Ctrl + -）。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Fit</source>
        <translation>适应窗口</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Show the whole graph in the view, even if its text gets small (or double-click it).</source>
        <translation>在视图中显示整张计算图，即使文字因此变小（也可以双击计算图）。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>How large the graph is drawn: 100 % is the size of this text.</source>
        <translation>计算图的绘制大小：100 % 即与这段文字一样大。</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>Zoom {0} %</source>
        <translation>缩放 {0} %</translation>
    </message>
    <message>
        <location filename="../playground/gui/autograd_scalar_panel.py" line="+53"/>
        <source>1. Gradients of a scalar: out.backward()</source>
        <translation>1. 标量的梯度：out.backward()</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Type numbers into x and press Backward. autograd records every operation on x and, going backward from out, computes d out/dx for each element of x.</source>
        <translation>在 x 中输入数字，然后按“反向传播”。自动求导记录对 x 的每一步运算，再从 out 反向回溯，为 x 的每个元素算出 d out/dx。</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>x: the leaf tensor (float64, requires_grad=True). Double-click a cell and type any number; every value below is recomputed at once.</source>
        <translation>x：叶子张量（float64，requires_grad=True）。双击单元格即可输入任意数字，下面的各个值会立即重新计算。</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>y = x + 2, element by element (grad_fn: AddBackward0).</source>
        <translation>y = x + 2，逐元素计算（grad_fn：AddBackward0）。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>z = y * y * 3 = 3 y², element by element (grad_fn: MulBackward0).</source>
        <translation>z = y * y * 3 = 3 y²，逐元素计算（grad_fn：MulBackward0）。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>out = z.mean(): one number, the average of the elements of z. backward() needs a scalar.</source>
        <translation>out = z.mean()：一个数，即 z 所有元素的平均值。backward() 需要一个标量。</translation>
    </message>
    <message>
        <location line="+6"/>
        <location filename="../playground/gui/autograd_vjp_panel.py" line="+47"/>
        <source>x =</source>
        <translation>x =</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>y = x + 2</source>
        <translation>y = x + 2</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>z = y * y * 3</source>
        <translation>z = y * y * 3</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>out = z.mean()</source>
        <translation>out = z.mean()</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>retain_grad() on y and z</source>
        <translation>对 y 和 z 调用 retain_grad()</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>y and z are not leaves: backward() uses their gradients on the way to x and then frees them, so y.grad and z.grad stay None. Ticked, the example calls y.retain_grad() and z.retain_grad() before out.backward(), and PyTorch keeps them.</source>
        <translation>y 和 z 不是叶子张量：backward() 在传往 x 的途中用到它们的梯度，随后就将其释放，所以 y.grad 和 z.grad 仍为 None。勾选后，示例会在 out.backward() 之前调用 y.retain_grad() 和 z.retain_grad()，PyTorch 就会保留它们。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Backward: out.backward()</source>
        <translation>反向传播：out.backward()</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+115"/>
        <source>Run out.backward(): autograd walks the graph from out back to x and stores d out/dx in x.grad.</source>
        <translation>执行 out.backward()：自动求导沿计算图从 out 回溯到 x，并把 d out/dx 存入 x.grad。</translation>
    </message>
    <message>
        <location line="-107"/>
        <source>Lesson values</source>
        <translation>课程中的值</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Put the lesson&apos;s x = [[1, 2], [3, 4]] back.</source>
        <translation>恢复课程中的 x = [[1, 2], [3, 4]]。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>x.grad as autograd computed it (empty until you press Backward).</source>
        <translation>自动求导算出的 x.grad（按“反向传播”之前为空）。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The same derivative worked out by hand: d out/dx = 6 (x + 2) / n, here n = 4 elements.</source>
        <translation>手工推导出的同一个导数：d out/dx = 6 (x + 2) / n，这里 n = 4 个元素。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>x.grad (autograd)</source>
        <translation>x.grad（自动求导）</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>y.grad and z.grad exactly as PyTorch has them after this run.</source>
        <translation>本次执行后，PyTorch 中 y.grad 和 z.grad 的原样内容。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The chain rule by hand, for comparison with what autograd did automatically.</source>
        <translation>手工运用链式法则，与自动求导自动算出的结果对照。</translation>
    </message>
    <message>
        <location filename="../playground/gui/autograd_vjp_panel.py" line="-55"/>
        <source>2. Gradients of a vector: y.backward(v)</source>
        <translation>2. 向量的梯度：y.backward(v)</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>backward() without arguments needs a scalar. When y is a vector you pass weights v, and autograd computes the vector-Jacobian product vᵀJ: the gradient of the weighted sum Σ vᵢ yᵢ with respect to x.</source>
        <translation>不带参数的 backward() 需要标量。当 y 是向量时，要传入一组权重 v，自动求导计算向量-雅可比积 vᵀJ，也就是加权和 Σ vᵢ yᵢ 对 x 的梯度。</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>x: the leaf tensor (float64, requires_grad=True), numbers separated by commas. The lab keeps this tensor between presses; typing a different x makes a new one.</source>
        <translation>x：叶子张量（float64，requires_grad=True），数字之间用逗号分隔。多次按下按钮时实验室保留这个张量；输入不同的 x 则新建一个张量。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>The loop doubles y while its length ||y|| is below this number. &apos;inf&apos; is allowed: the lab stops the loop after {0} doublings if it would never end.</source>
        <translation>只要 y 的长度 ||y|| 小于这个数，循环就把 y 翻倍。可以填 &apos;inf&apos;：如果循环永远不会结束，实验室会在翻倍 {0} 次后停止它。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>v: one weight per element of y (float32, as in the lesson). backward(v) computes vᵀJ, the gradient of Σ vᵢ yᵢ.</source>
        <translation>v：y 的每个元素对应一个权重（float32，与课程相同）。backward(v) 计算 vᵀJ，即 Σ vᵢ yᵢ 的梯度。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>threshold =</source>
        <translation>阈值 =</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>v =</source>
        <translation>v =</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>How many times the while loop ran y = y * 2, and the y it stopped at.</source>
        <translation>while 循环执行 y = y * 2 的次数，以及循环停止时的 y。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Zero x.grad before backward (x.grad.zero_())</source>
        <translation>反向传播前将 x.grad 清零（x.grad.zero_()）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Ticked: x.grad is set to zero before each backward, so x.grad shows only the new gradient. Unticked: the new gradient is added to what x.grad already holds.</source>
        <translation>勾选：每次反向传播前把 x.grad 清零，x.grad 只显示新的梯度。不勾选：新梯度会累加到 x.grad 原有的值上。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>backward() adds to x.grad, it does not replace it: press Backward twice without zeroing and x.grad doubles. That is why a training loop zeroes the gradients (optimizer.zero_grad() or w.grad.zero_()) before every backward.</source>
        <translation>backward() 是往 x.grad 上累加，而不是替换它：不清零连按两次“反向传播”，x.grad 就会翻倍。所以训练循环在每次反向传播之前都要把梯度清零（optimizer.zero_grad() 或 w.grad.zero_()）。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>retain_graph=True</source>
        <translation>retain_graph=True</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>backward(v, retain_graph=True) keeps the values the graph saved during the forward pass, so backward can run through the same graph again. Without it they are freed.</source>
        <translation>backward(v, retain_graph=True) 会保留计算图在前向传播时保存的中间值，这样可以在同一张图上再次反向传播。不加它，这些值就会被释放。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Backward: y.backward(v)</source>
        <translation>反向传播：y.backward(v)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Run the forward loop again from the kept x (a fresh graph), then y.backward(v). Press it twice to see gradients accumulate.</source>
        <translation>从保留的 x 重新执行前向循环（构建一张新图），然后执行 y.backward(v)。连按两次可以看到梯度累加。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Backward again on the same graph</source>
        <translation>在同一张图上再次反向传播</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Call y.backward(v) once more on the graph of the last press, without a new forward pass. PyTorch refuses unless the previous backward used retain_graph=True.</source>
        <translation>不做新的前向传播，在上一次的计算图上再调用一次 y.backward(v)。除非上一次反向传播使用了 retain_graph=True，否则 PyTorch 会拒绝执行。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>New x tensor</source>
        <translation>新建 x 张量</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Forget the kept x and its gradient: the next backward starts from x.grad = None.</source>
        <translation>丢弃保留的 x 及其梯度：下一次反向传播从 x.grad = None 开始。</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>What the last backward added to x.grad, and x.grad before and after it.</source>
        <translation>上一次反向传播给 x.grad 加上了什么，以及此前和此后的 x.grad。</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>PyTorch&apos;s own error message, word for word.</source>
        <translation>PyTorch 自己的错误信息，原文照录。</translation>
    </message>
    <message>
        <location filename="../playground/gui/autograd_widgets.py" line="+101"/>
        <source>{0} (row {1}, column {2})</source>
        <translation>{0}（第 {1} 行，第 {2} 列）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{0}: &apos;{1}&apos; is not a number.</source>
        <translation>{0}：&apos;{1}&apos; 不是数字。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{0}: is empty; type a number.</source>
        <translation>{0}：为空，请输入一个数字。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>threshold: nan is not a usable threshold; type a number or inf.</source>
        <translation>阈值：nan 不能用作阈值，请输入一个数字或 inf。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{0}: must be a finite number (not inf or nan).</source>
        <translation>{0}：必须是有限的数（不能是 inf 或 nan）。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{0}: {1}</source>
        <translation>{0}：{1}</translation>
    </message>
    <message>
        <location filename="../playground/gui/autograd_scalar_panel.py" line="+49"/>
        <source>Fix the cell named in red first.</source>
        <translation>请先修正红字指出的单元格。</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>{0}.grad = </source>
        <translation>{0}.grad：</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{0} (x + 2) (closed form)</source>
        <translation>{0} (x + 2)（解析式）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>By hand: out = (1/{0}) Σ 3 (xᵢ + 2)², so d out/dxᵢ = 6 (xᵢ + 2) / {0} = {1} (xᵢ + 2).</source>
        <translation>手工推导：out = (1/{0}) Σ 3 (xᵢ + 2)²，所以 d out/dxᵢ = 6 (xᵢ + 2) / {0} = {1} (xᵢ + 2)。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>x.grad is None: autograd has recorded the graph but not run backward yet.</source>
        <translation>x.grad 为 None：自动求导已记录计算图，但还没有执行反向传播。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>autograd and the closed form agree: largest difference {0}.</source>
        <translation>自动求导与解析式一致：最大差值 {0}。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Some values overflowed float64 to inf: try smaller numbers.</source>
        <translation>有些值超出了 float64 的范围，变成了 inf：请换用小一些的数。</translation>
    </message>
    <message>
        <location filename="../playground/gui/autograd_vjp_panel.py" line="+50"/>
        <source>The loop doubled y {0} times after y = x * 2, so y = 2^{1} · x = {2} · x
y = {3}   (||y|| = {4})</source>
        <translation>在 y = x * 2 之后，循环把 y 翻倍了 {0} 次，所以 y = 2^{1} · x = {2} · x
y = {3}   (||y|| = {4})</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Stopped after {0} doublings: ||y|| never reached the threshold (with x = 0 it never would). The lesson&apos;s loop would run forever here.</source>
        <translation>翻倍 {0} 次后停止：||y|| 始终没有达到阈值（x = 0 时永远达不到）。课程中的循环在这里会永远运行下去。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>||y|| overflowed float64 (the sum of squares passed 1.8e308), PyTorch computed it as inf and the loop stopped.</source>
        <translation>||y|| 超出了 float64 的范围（平方和超过 1.8e308），PyTorch 算得 inf，循环随之停止。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Some elements of y overflowed to inf.</source>
        <translation>y 的部分元素溢出为 inf。</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>x.grad before: {0}</source>
        <translation>x.grad 之前：{0}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>this backward added vᵀJ = {0} · v = {1}</source>
        <translation>本次反向传播加上 vᵀJ = {0} · v = {1}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>x.grad now:    {0}</source>
        <translation>x.grad 现在：{0}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>A new x tensor: its x.grad started as None.</source>
        <translation>新的 x 张量：它的 x.grad 初始为 None。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>x.grad was zeroed first, so it holds only this backward&apos;s gradient.</source>
        <translation>x.grad 先被清零了，所以只含本次反向传播的梯度。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>x.grad was not zeroed: this gradient was added to the one already there.</source>
        <translation>x.grad 没有清零：这次的梯度累加到了原有的梯度上。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>The graph&apos;s saved values are now freed (backward {0} on this graph, no retain_graph): another backward on it would fail.</source>
        <translation>计算图保存的中间值现已释放（这是在此图上的第 {0} 次反向传播，未使用 retain_graph）：再在这张图上反向传播会失败。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>retain_graph=True kept the graph (backward {0} on this graph): it can run backward again, and each run adds to x.grad.</source>
        <translation>retain_graph=True 保留了计算图（这是在此图上的第 {0} 次反向传播）：还可以再次反向传播，每次都会累加到 x.grad 上。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>The first backward freed the values the graph saved during the forward pass, so this second backward through the same graph fails and x.grad is unchanged. Tick retain_graph=True before the first backward to keep them: the second backward then works and adds vᵀJ to x.grad once more. A fresh forward pass (the Backward button) builds a new graph instead.</source>
        <translation>第一次反向传播已经释放了计算图在前向传播时保存的中间值，所以在同一张图上的第二次反向传播失败，x.grad 保持不变。在第一次反向传播之前勾选 retain_graph=True 即可保留这些值：第二次反向传播就能成功，并再次把 vᵀJ 累加到 x.grad 上。而重新做一次前向传播（“反向传播”按钮）则会构建一张新图。</translation>
    </message>
    <message>
        <location line="+41"/>
        <source>x.grad: None (a new x tensor; press Backward)</source>
        <translation>x.grad：None（新的 x 张量；请按“反向传播”）</translation>
    </message>
</context>
<context>
    <name>AxisEditor</name>
    <message>
        <location filename="../playground/gui/sweep_tab.py" line="+76"/>
        <source>Field {0}</source>
        <extracomment>Redraws of the cells&apos; curves a second while a sweep runs. Columns of the grid of small plots for a sweep of one field. The most cells the tab draws (each is a plot of its own); larger grids: the sweep command.</extracomment>
        <translation>设置项 {0}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>From</source>
        <translation>起始值</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>To</source>
        <translation>终止值</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Count</source>
        <translation>个数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>from</source>
        <translation>从</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>to</source>
        <translation>到</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>count</source>
        <translation>个数</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Values</source>
        <translation>取值</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>comma list, e.g. 10, 100</source>
        <translation>用逗号分隔，例如 10, 100</translation>
    </message>
</context>
<context>
    <name>Banner</name>
    <message>
        <location filename="../playground/gui/banner.py" line="+38"/>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>CellView</name>
    <message>
        <location filename="../playground/gui/sweep_tab.py" line="+49"/>
        <source>Cell {0}</source>
        <translation>单元格 {0}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Click to open this cell as a run on the Training tab</source>
        <translation>点击即可把这个单元格作为一次运行在“训练”页中打开</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Progress of {0}</source>
        <translation>{0} 的进度</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>step {0} / {1}</source>
        <translation>第 {0} / {1} 步</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>final {0:.3g}</source>
        <translation>最终 {0:.3g}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>diverged at step {0}</source>
        <translation>在第 {0} 步发散</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>stopped at step {0}</source>
        <translation>在第 {0} 步停止</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>not run</source>
        <translation>未运行</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>failed: {0}</source>
        <translation>失败：{0}</translation>
    </message>
</context>
<context>
    <name>CodeView</name>
    <message>
        <location filename="../playground/gui/code_view.py" line="+79"/>
        <source>The same training as a plain script: run it with Python and PyTorch alone and it prints the losses the app shows, digit for digit.</source>
        <extracomment>Fallbacks where the platform&apos;s fixed font is not monospaced after all. A short note for the status bar (&quot;Copied…&quot;, &quot;Saved…&quot;).</extracomment>
        <translation>同样的训练写成一个普通脚本：只需 Python 和 PyTorch 即可运行，它打印出的损失与本程序显示的逐位相同。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Code</source>
        <translation>代码</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Put the whole script on the clipboard.</source>
        <translation>把整个脚本复制到剪贴板。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save as .py…</source>
        <translation>另存为 .py…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save the script as a Python file you can run on its own.</source>
        <translation>把脚本保存为可以独立运行的 Python 文件。</translation>
    </message>
    <message>
        <location line="+64"/>
        <source>Could not save the script</source>
        <translation>无法保存脚本</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Could not save the script to {path}:
{reason}</source>
        <translation>无法把脚本保存到 {path}：
{reason}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Script saved to {path}</source>
        <translation>脚本已保存到 {path}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Script copied to the clipboard</source>
        <translation>脚本已复制到剪贴板</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Save the script</source>
        <translation>保存脚本</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Python scripts (*.py);;All files (*)</source>
        <translation>Python 脚本 (*.py);;所有文件 (*)</translation>
    </message>
</context>
<context>
    <name>ComputationGraphView</name>
    <message>
        <location filename="../playground/gui/graph_view.py" line="+230"/>
        <source>None (no backward yet)</source>
        <translation>None（尚未反向传播）</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>value</source>
        <translation>值</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>grad</source>
        <translation>梯度</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>leaf tensor (created by you, requires_grad=True)</source>
        <translation>叶子张量（由你创建，requires_grad=True）</translation>
    </message>
    <message>
        <location line="-49"/>
        <source>The computation graph autograd recorded during the forward pass. Blue boxes are tensors (green: the leaf x you created), orange ones the grad_fn operations. Arrows show the way backward() passes gradients. Hover over a box for details; Ctrl + wheel or the Zoom buttons zoom, Fit or a double-click shows the whole drawing.</source>
        <extracomment>One press of Zoom in / Zoom out; one wheel notch zooms by WHEEL_STEP. Zoom limits: beyond them the drawing is a dot or one letter fills the view. A gradient note longer than this many characters is wrapped in its node&apos;s column. How the view picks its zoom when the drawing or the view changes size. The zoom (view scale, 1 = the labels at the UI font size) after every change.</extracomment>
        <translation>自动求导在前向传播时记录下的计算图。蓝色框是张量（绿色：你创建的叶子张量 x），橙色框是 grad_fn 运算。箭头表示 backward() 传递梯度的路线。把鼠标停在框上可查看详情；用 Ctrl + 滚轮或“放大”“缩小”按钮缩放，“适应窗口”或双击可显示整张图。</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>None (not a leaf; call retain_grad() to keep it)</source>
        <translation>None（不是叶子张量；调用 retain_grad() 才会保留）</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>intermediate tensor; retain_grad() keeps its .grad</source>
        <translation>中间张量；retain_grad() 保留了它的 .grad</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>intermediate tensor (not a leaf)</source>
        <translation>中间张量（不是叶子张量）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tensor {0} {1}
{2}
value =
{3}
{0}.grad =
{4}</source>
        <translation>张量 {0} {1}
{2}
值 =
{3}
{0}.grad =
{4}</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>AccumulateGrad: the end of the backward pass for a leaf tensor. It adds the gradient that arrives into the leaf&apos;s .grad (adds, not replaces: that is why gradients accumulate until you zero them).</source>
        <translation>AccumulateGrad：叶子张量反向传播的终点。它把传到这里的梯度加到叶子张量的 .grad 上（是累加而不是替换：所以在清零之前梯度会一直累积）。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{0}: the backward of a multiplication a * b. It sends grad * b to a and grad * a to b, using the factors it saved during the forward pass.</source>
        <translation>{0}：乘法 a * b 的反向函数。它利用前向传播时保存的因子，把 grad * b 传给 a，把 grad * a 传给 b。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{0}: the backward of an addition. The gradient passes through unchanged (d(a + b)/da = 1); the constant gets none.</source>
        <translation>{0}：加法的反向函数。梯度原样传过（d(a + b)/da = 1）；常数不接收梯度。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>{0}: the backward of mean(). Every element gets grad / n, where n is the number of elements averaged.</source>
        <translation>{0}：mean() 的反向函数。每个元素得到 grad / n，n 是参与平均的元素个数。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{0}: the backward function autograd recorded for this operation.</source>
        <translation>{0}：自动求导为这个运算记录的反向函数。</translation>
    </message>
</context>
<context>
    <name>ControlPanel</name>
    <message>
        <location filename="../playground/gui/controls.py" line="+83"/>
        <source>Random (the lesson)</source>
        <extracomment>The GPU fast mode (CUDA graphs) was switched on or off, and can apply. Whether the controls show a configuration that can train (kept as state: the message saying why not is hidden with the panel on other tabs). A style switch kept a typed lr: the advice offers the new style&apos;s lesson lr. The student&apos;s CSV file (dataset &quot;file&quot;), its target column and task.</extracomment>
        <translation>随机（同课程）</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Sine (regression)</source>
        <translation>正弦（回归）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Circles</source>
        <translation>同心圆</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>XOR</source>
        <translation>XOR 异或</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Two Gaussians</source>
        <translation>两个高斯分布</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Spiral</source>
        <translation>螺旋</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Digits 8x8</source>
        <translation>手写数字 8x8</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>CSV file</source>
        <translation>CSV 文件</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+6"/>
        <source>Dataset</source>
        <translation>数据集</translation>
    </message>
    <message>
        <location line="-4"/>
        <source>What the network learns from. Random: the lesson&apos;s random inputs and targets (it can only memorise them). The others have something to learn; each brings its own sizes, activation, loss, optimizer, lr and steps, which you can change. A CSV file of your own: File &gt; Open data.</source>
        <translation>网络从什么数据中学习。随机：课程中的随机输入和随机目标（网络只能把它们死记下来）。其他数据集都有规律可学；每个都自带尺寸、激活函数、损失、优化器、lr 和步数，这些都可以修改。使用你自己的 CSV 文件：文件 &gt; 打开数据。</translation>
    </message>
    <message>
        <location line="+10"/>
        <location line="+2"/>
        <source>Noise</source>
        <translation>噪声</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+4"/>
        <source>Target column</source>
        <translation>目标列</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>The CSV column the network learns to predict; the other columns are its inputs.</source>
        <translation>网络要学会预测的那一列 CSV 数据；其余各列是它的输入。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>guessed from the target</source>
        <translation>根据目标列推断</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>classification</source>
        <translation>分类</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>regression</source>
        <translation>回归</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+4"/>
        <source>Task</source>
        <translation>任务</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>Classification: the target&apos;s values are classes (cross-entropy, accuracy). Regression: a number to predict (the mean squared error).</source>
        <translation>分类：目标列的值是类别（交叉熵损失，准确率）。回归：要预测的是一个数（均方误差）。</translation>
    </message>
    <message>
        <location line="+10"/>
        <location line="+5"/>
        <source>Test fraction</source>
        <translation>测试集比例</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>Share of the samples held out as a test set, never trained on: its loss is drawn dashed. On random data the training loss falls while the test loss does not: memorisation.</source>
        <translation>留作测试集、从不参与训练的样本所占的比例：测试集的损失用虚线画出。在随机数据上，训练损失下降而测试损失不降：这就是死记硬背。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>N: how many training samples (rows of x and y). The lesson uses 64.</source>
        <translation>N：训练样本的个数（x 和 y 的行数）。课程中为 64。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>D_in: the size of each input vector. The lesson uses 1000.</source>
        <translation>D_in：每个输入向量的维数（输入层大小）。课程中为 1000。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>H: neurons in the hidden layer. The lesson uses 100.</source>
        <translation>H：隐藏层的神经元个数。课程中为 100。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>D_out: the size of each output vector. The lesson uses 10.</source>
        <translation>D_out：每个输出向量的维数（输出层大小）。课程中为 10。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>{0} slider</source>
        <translation>{0} 滑块</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>NumPy by hand</source>
        <translation>NumPy 手写</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Raw tensors + autograd</source>
        <translation>原始张量 + 自动求导</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>nn.Sequential + optimizer</source>
        <translation>nn.Sequential + 优化器</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>nn.Module subclass</source>
        <translation>nn.Module 子类</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>How the network is written: by hand in NumPy, raw tensors with autograd, nn.Sequential with an optimizer, or your own nn.Module subclass. Choosing a style loads the lesson&apos;s learning rate and optimizer for it.</source>
        <translation>网络的写法：用 NumPy 手写、原始张量加自动求导、nn.Sequential 加优化器，或者自己继承 nn.Module 写一个子类。选择一种写法会载入课程中该写法的学习率和优化器。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Style</source>
        <translation>写法</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Learning rate: how big a step each update takes. Drag while training to see the curve bend; type an exact value such as 3e-6 in the box; the arrow keys step by x10^(1/4), Page Up/Down by x10.</source>
        <translation>学习率：每次更新迈出的步子有多大。训练时拖动滑块，可以看到曲线随之弯折；也可以在输入框里输入精确值，例如 3e-6；方向键每次按 x10^(1/4) 调整，Page Up/Down 每次按 x10 调整。</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+1"/>
        <location line="+11"/>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <location line="-10"/>
        <source>Learning rate slider</source>
        <translation>学习率滑块</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+1"/>
        <source>Lesson lr</source>
        <translation>课程 lr</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Set the learning rate this style and optimizer train with (the lesson&apos;s own where it has one).</source>
        <translation>设为这种写法和优化器训练所用的学习率（课程中给出了的，就用课程中的值）。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Learning rate advice</source>
        <translation>学习率建议</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>How gradients become updates. sgd-manual is the lesson&apos;s w -= lr * grad; the others are torch.optim optimizers.</source>
        <translation>梯度如何变成参数更新。sgd-manual 就是课程中的 w -= lr * grad；其余都是 torch.optim 中的优化器。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Optimizer</source>
        <translation>优化器</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>sum (as the lesson)</source>
        <translation>sum 求和（同课程）</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>mean</source>
        <translation>mean 均值</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>cross-entropy</source>
        <translation>cross-entropy 交叉熵</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>How the squared errors are reduced to one number. A summed loss has gradients N x D_out times larger than a mean, so it needs a smaller lr.</source>
        <translation>如何把各项平方误差汇总成一个数。求和损失的梯度是均值损失的 N x D_out 倍，因此需要更小的学习率 lr。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+79"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location line="-78"/>
        <source>The function between the two layers. The lesson has none, which makes the network a single linear map in disguise.</source>
        <translation>两层之间的激活函数。课程中没有激活函数，这使得整个网络其实只是一个伪装起来的线性映射。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Activation</source>
        <translation>激活函数</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>How many training steps the run takes. The lesson runs 500.</source>
        <translation>本次运行训练多少步。课程中为 500 步。</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+10"/>
        <source>Steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <location line="-9"/>
        <location line="+1"/>
        <source>until paused (∞)</source>
        <translation>直到暂停（∞）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Train until you pause or stop it, as TensorFlow Playground does; the plot&apos;s x axis follows the run.</source>
        <translation>一直训练，直到你暂停或停止它，与 TensorFlow Playground 相同；图的 x 轴随运行推进。</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>torch.manual_seed before drawing x, y and the weights: the same seed gives the same run, step for step.</source>
        <translation>在生成 x、y 和权重之前调用的 torch.manual_seed：相同的种子给出逐步完全相同的运行。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+171"/>
        <source>auto</source>
        <translation>自动</translation>
    </message>
    <message>
        <location line="-170"/>
        <source>Where the tensors live and the arithmetic runs. auto picks a GPU when there is one. NumPy always runs on the CPU.</source>
        <translation>张量存放和计算进行的位置。“自动”在有 GPU 时选用 GPU。NumPy 始终在 CPU 上运行。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Device note</source>
        <translation>设备说明</translation>
    </message>
    <message>
        <location line="+7"/>
        <location line="+1"/>
        <source>GPU fast mode (CUDA graphs)</source>
        <translation>GPU 快速模式（CUDA 图）</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Number precision. float32 is PyTorch&apos;s default; float64 rounds far less.</source>
        <translation>数值精度。float32 是 PyTorch 的默认值；float64 的舍入误差要小得多。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Precision</source>
        <translation>精度</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+7"/>
        <source>Threads</source>
        <translation>线程数</translation>
    </message>
    <message>
        <location line="-5"/>
        <source>CPU threads torch may use (torch.set_num_threads). The lesson&apos;s sizes run as fast on 1 as on more, and the window stays smoother; large sizes gain from more. The Code tab and the train command use the same count, so they print the same digits: another count adds the matrix products up in another order.</source>
        <translation>torch 可以使用的 CPU 线程数（torch.set_num_threads）。课程中的规模用 1 个线程和用更多线程一样快，而且窗口更流畅；规模大时线程多才有好处。“代码”页和 train 命令使用相同的线程数，因此打印出的数字完全相同：换一个线程数，矩阵乘积就会按另一种顺序累加。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>More: bias and classic mistakes</source>
        <translation>更多：偏置与经典错误</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Bias in both layers</source>
        <translation>两层都加偏置</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Add a bias vector to each layer. nn.Sequential in the lesson has it; the nn.Module subclass does not.</source>
        <translation>给每一层加上偏置向量。课程中的 nn.Sequential 有偏置，nn.Module 子类没有。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>forget to zero the gradients</source>
        <translation>忘记将梯度清零</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>update outside torch.no_grad()</source>
        <translation>在 torch.no_grad() 之外更新</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Break it on purpose: run (and show the code of) a classic mistake to see what it does.</source>
        <translation>故意出错：运行一个经典错误（并显示其代码），看看会发生什么。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Mistake</source>
        <translation>经典错误</translation>
    </message>
    <message>
        <location line="+95"/>
        <source>No CUDA device found: CPU only.</source>
        <translation>未找到 CUDA 设备：只能使用 CPU。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This PyTorch is a CPU-only build: CPU only.</source>
        <translation>当前 PyTorch 是仅支持 CPU 的版本：只能使用 CPU。</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>Replay each training step from CUDA graphs: far fewer kernel launches on a GPU. Adam, AdamW and RMSprop then agree with the plain run to float rounding, not bit for bit.</source>
        <translation>用 CUDA 图重放每一步训练：在 GPU 上启动的内核要少得多。此时 Adam、AdamW 和 RMSprop 与普通运行只在浮点舍入范围内一致，而非逐位相同。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Not available: {0}.</source>
        <translation>不可用：{0}。</translation>
    </message>
    <message>
        <location line="+115"/>
        <source>Fixed by the CSV file: its rows, feature columns and classes.</source>
        <translation>由 CSV 文件决定：它的行数、特征列数和类别数。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fixed by the digits: 1,797 images of 8x8 = 64 pixels, 10 classes.</source>
        <translation>由手写数字数据决定：1,797 张 8x8 = 64 像素的图像，10 个类别。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Fixed by the data set: its inputs and outputs have this size.</source>
        <translation>由数据集决定：它的输入和输出就是这个尺寸。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Noise added to the generated points (0: clean).</source>
        <translation>加到生成的数据点上的噪声（0：无噪声）。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Only the generated sets (sine, circles, xor, gaussians, spiral) take a noise level.</source>
        <translation>只有生成的数据集（正弦、同心圆、XOR 异或、两个高斯分布、螺旋）可以设置噪声。</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Classes train with cross-entropy</source>
        <translation>类别要用交叉熵训练</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cross-entropy needs classes; these targets are numbers</source>
        <translation>交叉熵需要类别；这些目标是数值</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>The NumPy style has no autograd and no torch.optim: it updates the weights by hand (sgd-manual).</source>
        <translation>NumPy 写法没有自动求导，也没有 torch.optim：它手工更新权重（sgd-manual）。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Needs a torch style with the manual update (sgd-manual).</source>
        <translation>需要使用手工更新（sgd-manual）的 torch 写法。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The NumPy style runs on the CPU only.</source>
        <translation>NumPy 写法只能在 CPU 上运行。</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>lr = {0:g} is far below what {1} trains with here (about {2:g}): the loss will barely move. Press Lesson lr to use {2:g}.</source>
        <translation>lr = {0:g} 远低于 {1} 在这里训练所用的学习率（约 {2:g}）：损失几乎不会变化。按“课程 lr”即可改用 {2:g}。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>lr = {0:g} is far above what {1} trains with here (about {2:g}): the run will likely diverge. Press Lesson lr to use {2:g}.</source>
        <translation>lr = {0:g} 远高于 {1} 在这里训练所用的学习率（约 {2:g}）：这次运行很可能会发散。按“课程 lr”即可改用 {2:g}。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>You kept lr = {0:g}; this style&apos;s lesson trains with {1:g} (Lesson lr).</source>
        <translation>你保留了 lr = {0:g}；课程中这种写法用的是 {1:g}（“课程 lr”）。</translation>
    </message>
</context>
<context>
    <name>DatasetViews</name>
    <message>
        <location filename="../playground/gui/dataset_views.py" line="+30"/>
        <source>Prediction</source>
        <translation>预测</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open data…</source>
        <translation>打开数据…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Train on a CSV file of your own (a header row, numeric features, the target last or chosen)</source>
        <translation>用你自己的 CSV 文件训练（需有表头行和数值特征，目标列在最后或另行选择）</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Open data</source>
        <translation>打开数据</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CSV files (*.csv);;All files (*)</source>
        <translation>CSV 文件 (*.csv);;所有文件 (*)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>A large file</source>
        <translation>文件很大</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{0}

Load it anyway? Reading and training on it may take long.</source>
        <translation>{0}

仍然加载吗？读取它并在上面训练可能要花很长时间。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Could not use the data</source>
        <translation>无法使用这些数据</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Data: {0}</source>
        <translation>数据：{0}</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Could not save the drawn points</source>
        <translation>无法保存画出的数据点</translation>
    </message>
</context>
<context>
    <name>Diagnosis</name>
    <message>
        <location filename="../playground/core/diagnosis.py" line="+56"/>
        <source>Learning rate too high</source>
        <extracomment>PyTorch&apos;s words when a leaf that requires grad is changed in place outside no_grad. The lesson&apos;s summed loss adds up N x D_out = 64 x 10 numbers. The lesson&apos;s learning rate for plain gradient steps on the summed loss.</extracomment>
        <translation>学习率过高</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>With lr = {lr} each step overshoots the minimum, so the next error and gradient are bigger: the loss went from {start} to {peak} and then became {value} at step {step}.</source>
        <translation>lr = {lr} 时，每一步都越过了最小值，于是下一步的误差和梯度更大：损失从 {start} 涨到 {peak}，然后在第 {step} 步变成了 {value}。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Try a learning rate ten times smaller (lr = {lr_smaller}).</source>
        <translation>试试缩小十倍的学习率（lr = {lr_smaller}）。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Gradients accumulating: zero_grad() is never called</source>
        <translation>梯度在累积：从未调用 zero_grad()</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>backward() adds each new gradient into .grad. Without zeroing it, every update uses the sum of all gradients so far: the gradient norm was {grad_start} at step 0 and still {grad_late} at step {late_step}, while the loss went from {start} to {late_loss} (in a correct run the gradient shrinks with the loss). The steps keep growing until the loss became {value} at step {step}.</source>
        <translation>backward() 会把每次新算出的梯度累加到 .grad 上。如果不清零，每次更新用的都是此前所有梯度之和：梯度范数在第 0 步为 {grad_start}，到第 {late_step} 步仍为 {grad_late}，而损失已从 {start} 降到 {late_loss}（在正确的运行中，梯度会随损失一起变小）。步子越迈越大，直到损失在第 {step} 步变成了 {value}。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Zero the gradients every step (optimizer.zero_grad(), or w.grad.zero_() by hand): switch the mistake off. A smaller learning rate only delays the blow-up.</source>
        <translation>每一步都把梯度清零（optimizer.zero_grad()，或手工调用 w.grad.zero_()）：关掉这个错误即可。较小的学习率只会推迟发散。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Update outside torch.no_grad()</source>
        <translation>在 torch.no_grad() 之外更新</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>w -= lr * w.grad on a weight that requires grad would itself be recorded in the graph, so PyTorch refuses it at step {step}: “{error}”.</source>
        <translation>对需要梯度的权重执行 w -= lr * w.grad，这个操作本身也会被记录进计算图，所以 PyTorch 在第 {step} 步拒绝执行：“{error}”。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Do the update inside &apos;with torch.no_grad():&apos; (switch the mistake off); the learning rate has nothing to do with it.</source>
        <translation>在 &apos;with torch.no_grad():&apos; 块内做更新（关掉这个错误）；这与学习率无关。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>A summed loss over many samples</source>
        <translation>对大量样本求和的损失</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>With loss = sum the gradient adds up N · D_out = {count} terms, {times} times the lesson&apos;s 64 · 10 = 640, so lr = {lr} takes steps {times} times larger than the lesson&apos;s and overshoots: the loss became {value} at step {step}.</source>
        <translation>损失取 sum 时，梯度由 N · D_out = {count} 项相加而成，是课程中 64 · 10 = 640 项的 {times} 倍，所以 lr = {lr} 迈出的步子是课程中的 {times} 倍，越过了最小值：损失在第 {step} 步变成了 {value}。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Use the mean loss, or divide the learning rate by {times} (lr = {lr_scaled}).</source>
        <translation>改用 mean 均值损失，或把学习率除以 {times}（lr = {lr_scaled}）。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Numbers too large for {dtype}</source>
        <translation>数值超出了 {dtype} 的范围</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The loss was already {value} at step 0, before any update: the forward pass went past {dtype}&apos;s largest number ({largest}), so the learning rate is not to blame.</source>
        <translation>在第 0 步、尚未做任何更新时，损失就已经是 {value}：前向传播超出了 {dtype} 能表示的最大数（{largest}），所以问题不在学习率。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Use float64, or smaller inputs or sizes.</source>
        <translation>改用 float64，或使用更小的输入或规模。</translation>
    </message>
    <message>
        <location filename="../playground/gui/diagnosis_text.py" line="+35"/>
        <source>.</source>
        <translation>。</translation>
    </message>
</context>
<context>
    <name>GradientInspector</name>
    <message>
        <location filename="../playground/gui/inspector/formatting.py" line="+47"/>
        <source>scalar</source>
        <translation>标量</translation>
    </message>
    <message>
        <location filename="../playground/gui/inspector/panel.py" line="+58"/>
        <source>The training step whose gradients are shown.</source>
        <translation>当前显示的是哪一步训练的梯度。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Inspector status</source>
        <translation>检视面板状态</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Step change</source>
        <translation>单步变化</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+1"/>
        <source>Freeze</source>
        <translation>冻结</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Stop updating this panel so you can read the numbers. Training goes on; the newest statistics appear when you unfreeze.</source>
        <translation>暂停刷新此面板，方便读数。训练照常进行；解除冻结后显示最新的统计。</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+1"/>
        <source>Gradient check</source>
        <translation>梯度检验</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Compare the gradient this style computes (autograd, or the hand-written backward pass for NumPy) with finite differences: nudge a few weights by ±ε and watch the loss. A relative error below 1e-7 means the gradient is right.</source>
        <translation>把这种写法算出的梯度（自动求导，NumPy 写法则是手写的反向传播）与有限差分比较：将几个权重微调 ±ε，观察损失的变化。相对误差低于 1e-7 说明梯度是对的。</translation>
    </message>
    <message>
        <location filename="../playground/gui/inspector/table.py" line="+68"/>
        <source>Gradient statistics</source>
        <extracomment>Table columns, in order. The update ratio comes right after the norms it compares, before the gradient&apos;s spread: the hint under the table points at it, so it must be in view in a narrow panel too. Item data role holding the raw float behind a number cell&apos;s text. The longest text :func:`format_sci` writes for a float32 (and for float64 short of 1e±100), and the cell&apos;s margins. Rows the table keeps in view when the panel is short (more scroll); it grows to show up to MAX_TABLE_ROWS (the largest model: two weights, two biases) when there is room. The update column after a single step (F10): what that step changed. True after a single step (F10): the update column shows what that step changed.</extracomment>
        <translation>梯度统计</translation>
    </message>
    <message>
        <location filename="../playground/gui/inspector/panel.py" line="+27"/>
        <source>‖Δw‖/‖w‖: a common rule of thumb is about 1e-3 per step. Much smaller often means slow learning; much larger, unstable steps.</source>
        <translation>‖Δw‖/‖w‖：常用的经验值是每步约 1e-3。小得多往往意味着学得慢；大得多则意味着每步更新不稳定。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Update ratio hint</source>
        <translation>更新比例提示</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Gradient check result</source>
        <translation>梯度检验结果</translation>
    </message>
    <message>
        <location line="+9"/>
        <location line="+1"/>
        <source>Start a run to see gradients.</source>
        <translation>开始一次运行即可看到梯度。</translation>
    </message>
    <message>
        <location filename="../playground/gui/inspector/divergence.py" line="+58"/>
        <source>Divergence</source>
        <extracomment>The summary box and the explanation below it look like one pink panel. The user asked to restart with this learning rate.</extracomment>
        <translation>发散</translation>
    </message>
    <message>
        <location line="+9"/>
        <location line="+1"/>
        <source>Why?</source>
        <translation>为什么？</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Show or hide the usual causes of a divergence.</source>
        <translation>显示或隐藏发散的常见原因。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Divergence summary</source>
        <translation>发散摘要</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Restart</source>
        <translation>重新开始</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Start the run again from the same seed with a learning rate ten times smaller.</source>
        <translation>用同一个随机种子、缩小十倍的学习率重新开始运行。</translation>
    </message>
    <message>
        <location line="+75"/>
        <source>Try again with a learning rate ten times smaller.</source>
        <translation>把学习率调小十倍再试一次。</translation>
    </message>
    <message>
        <location filename="../playground/gui/inspector/charts.py" line="+112"/>
        <location line="+1"/>
        <source>Gradient</source>
        <extracomment>While a run is live the charts (histogram, heat map, norm history) take at most this share of the GUI thread (see :mod:`playground.gui.pacing`): a frame of the three costs about 40 ms on 2 cores, mostly pyqtgraph re-laying out axes whose ranges move, so they redraw every second or so while the table keeps every update. The least height of a chart&apos;s plotting area (its view box, without axes) that stays readable; the panel keeps the charts at least this tall and squeezes other parts first. The widest tick text :func:`compact_tick` writes, to size the colour bar&apos;s axis. Distinct colours that read on a light or a dark background.</extracomment>
        <translation>梯度</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Histogram of the selected parameter&apos;s gradient.</source>
        <translation>所选参数梯度的直方图。</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+1"/>
        <source>Values</source>
        <translation>数值</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Histogram of the selected parameter&apos;s values (the weights themselves).</source>
        <translation>所选参数数值（即权重本身）的直方图。</translation>
    </message>
    <message>
        <location filename="../playground/gui/inspector/divergence.py" line="-65"/>
        <source>Divergence explanation</source>
        <translation>发散原因说明</translation>
    </message>
    <message>
        <location filename="../playground/gui/inspector/charts.py" line="+12"/>
        <source>Heat map sampling</source>
        <translation>热力图抽样</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Gradient charts</source>
        <translation>梯度图表</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Left: how the selected parameter&apos;s gradient (or values) is distributed. Right: its gradient as a matrix (rows and columns sampled when large); red is positive, blue negative, white zero. Bottom: every parameter&apos;s gradient norm over the steps, on a log scale.</source>
        <translation>左：所选参数的梯度（或数值）的分布。右：以矩阵形式显示它的梯度（矩阵较大时抽样显示部分行和列）；红色为正，蓝色为负，白色为零。下：每个参数的梯度范数随步数的变化，使用对数坐标。</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>count</source>
        <translation>个数</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>row</source>
        <translation>行</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>column</source>
        <translation>列</translation>
    </message>
    <message>
        <location line="+27"/>
        <source>‖gradient‖</source>
        <translation>‖梯度‖</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>step</source>
        <translation>步数</translation>
    </message>
    <message>
        <location filename="../playground/gui/inspector/texts.py" line="+40"/>
        <source>Parameter</source>
        <extracomment>The update-to-weight ratio rule of thumb (context, not a verdict).</extracomment>
        <translation>参数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The parameter tensor&apos;s name in the model.</source>
        <translation>参数张量在模型中的名称。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Shape</source>
        <translation>形状</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rows × columns of the tensor (a bias has one dimension).</source>
        <translation>张量的行数 × 列数（偏置只有一维）。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>‖w‖</source>
        <translation>‖w‖</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Size of the weights: the square root of the sum of their squares (L2 norm).</source>
        <translation>权重的大小：各权重平方和的平方根（L2 范数）。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>‖∇‖</source>
        <translation>‖∇‖</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Size of the gradient of the loss with respect to this tensor (L2 norm), before the update. Huge values warn of divergence; values near 0 of vanishing gradients.</source>
        <translation>更新之前，损失对这个张量的梯度的大小（L2 范数）。数值巨大预示着发散；接近 0 则预示梯度消失。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>mean ∇</source>
        <translation>∇ 均值</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Average gradient entry. Far from 0 means most weights are pushed the same way.</source>
        <translation>梯度各元素的平均值。远离 0 表示大多数权重被推向同一方向。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>std ∇</source>
        <translation>∇ 标准差</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Spread (standard deviation) of the gradient entries.</source>
        <translation>梯度各元素的离散程度（标准差）。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>max |∇|</source>
        <translation>max |∇|</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Largest gradient entry in absolute value; the heat map&apos;s colour scale is ±this.</source>
        <translation>绝对值最大的梯度元素；热力图的色标范围就是 ± 这个值。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>‖Δw‖/‖w‖ (≈1e-3)</source>
        <translation>‖Δw‖/‖w‖（≈1e-3）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>‖lr·update‖ / ‖w‖: how much this step changed the tensor, relative to its size. A common rule of thumb is about 1e-3: much smaller and the weights barely move (learning is slow); much larger and each step rewrites them (training may be unstable). It is a guide, not a law: Adam, for example, sets its own step size.</source>
        <translation>‖lr·update‖ / ‖w‖：这一步相对于张量本身的大小改变了它多少。常用的经验值约为 1e-3：小得多，权重几乎不动（学得慢）；大得多，每一步都把权重改写一遍（训练可能不稳定）。这只是参考，而非定律：例如 Adam 会自行决定步长。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>gradient check</source>
        <translation>梯度检验</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Largest relative error |analytic − numerical| / (|analytic| + |numerical|) over a few sampled entries: below 1e-7 good, up to 1e-4 acceptable (usual for a large loss or ReLU kinks), up to 1e-2 suspicious, above 1e-2 wrong.</source>
        <translation>在抽样的几个元素上的最大相对误差 |解析 − 数值| / (|解析| + |数值|)：低于 1e-7 为良好，不超过 1e-4 可以接受（损失很大或 ReLU 有折点时常见），不超过 1e-2 可疑，高于 1e-2 错误。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>hand vs autograd</source>
        <translation>手写 vs 自动求导</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>NumPy style: largest difference between the hand-written gradient and the one autograd computes for the same network, relative to the gradient&apos;s size. Around 1e-15 means they agree to rounding.</source>
        <translation>NumPy 写法：手写梯度与自动求导对同一网络算出的梯度之间的最大差值，相对于梯度的大小。约为 1e-15 说明二者在舍入误差范围内一致。</translation>
    </message>
    <message>
        <location filename="../playground/gui/inspector/divergence.py" line="+30"/>
        <source>Restart with lr = {0:g}</source>
        <translation>以 lr = {0:g} 重新开始</translation>
    </message>
    <message>
        <location filename="../playground/gui/inspector/panel.py" line="+117"/>
        <source>loss {0}</source>
        <translation>损失 {0}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>loss {0} → {1} (Δ {2})</source>
        <translation>损失 {0} → {1}（Δ {2}）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{0} moved by {1} ({2} of ‖{0}‖)</source>
        <translation>{0} 移动了 {1}（‖{0}‖ 的 {2}）</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Step {0}: {1}. Update: {2}.</source>
        <translation>第 {0} 步：{1}。更新：{2}。</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Gradient check not possible: {0}</source>
        <translation>无法进行梯度检验：{0}</translation>
    </message>
    <message>
        <location filename="../playground/gui/inspector/texts.py" line="+19"/>
        <source>about the 1e-3 rule of thumb</source>
        <translation>与 1e-3 的经验值相当</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{0:.1f} orders of magnitude above the 1e-3 rule of thumb</source>
        <translation>比 1e-3 的经验值高 {0:.1f} 个数量级</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>{0:.1f} orders of magnitude below the 1e-3 rule of thumb</source>
        <translation>比 1e-3 的经验值低 {0:.1f} 个数量级</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This step: </source>
        <translation>这一步：</translation>
    </message>
    <message>
        <location filename="../playground/gui/inspector/charts.py" line="+30"/>
        <source>values of {0}</source>
        <translation>{0} 的数值</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+3"/>
        <source>gradient of {0}</source>
        <translation>{0} 的梯度</translation>
    </message>
    <message>
        <location filename="../playground/gui/inspector/panel.py" line="+96"/>
        <source>No gradients yet: start training.</source>
        <translation>还没有梯度：请开始训练。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Step {0}, lr {1}</source>
        <translation>第 {0} 步，lr {1}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source> (frozen; newest: step {0})</source>
        <translation>（已冻结；最新：第 {0} 步）</translation>
    </message>
    <message>
        <location line="+2"/>
        <source> (frozen)</source>
        <translation>（已冻结）</translation>
    </message>
    <message>
        <location filename="../playground/gui/inspector/texts.py" line="+79"/>
        <source>{0} of {1} rows (1 in {2})</source>
        <translation>{1} 行中显示 {0} 行（每 {2} 行取 1 行）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>all {0} rows</source>
        <translation>全部 {0} 行</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>{0} of {1} columns (1 in {2})</source>
        <translation>{1} 列中显示 {0} 列（每 {2} 列取 1 列）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>all {0} columns</source>
        <translation>全部 {0} 列</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Heat map: {0}, {1}.</source>
        <translation>热力图：{0}，{1}。</translation>
    </message>
    <message>
        <location line="-85"/>
        <source>good</source>
        <translation>良好</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>acceptable</source>
        <translation>可接受</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>suspicious</source>
        <translation>可疑</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>wrong</source>
        <translation>错误</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>too small to check</source>
        <translation>太小，无法检验</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Sampled entries (flat index: analytic vs numerical gradient):</source>
        <translation>抽样元素（展平后的下标：解析梯度 vs 数值梯度）：</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>  [{0}]  {1}  vs  {2}</source>
        <translation>  [{0}]  {1}  vs  {2}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>The gradient matches finite differences: it is right.</source>
        <translation>梯度与有限差分相符：梯度是对的。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Close: normal when the loss is large (finite differences lose digits to rounding) or the activation has kinks (ReLU).</source>
        <translation>接近：当损失很大（有限差分因舍入丢失有效数字）或激活函数有折点（ReLU）时属正常现象。</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Larger than rounding explains: look for a small mistake.</source>
        <translation>误差超出了舍入所能解释的范围：请查找一个小错误。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The gradient does not match the loss: the backward pass has a mistake.</source>
        <translation>梯度与损失不符：反向传播有错误。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The gradient is smaller than finite differences can measure at this loss.</source>
        <translation>在这个损失下，梯度小到有限差分无法测量。</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Gradient check: &lt;b style=&apos;color:{0}&apos;&gt;{1}&lt;/b&gt; (largest relative error {2}, ε = {3}).</source>
        <translation>梯度检验：&lt;b style=&apos;color:{0}&apos;&gt;{1}&lt;/b&gt;（最大相对误差 {2}，ε = {3}）。</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Hand-written vs autograd: largest relative difference {0}.</source>
        <translation>手写 vs 自动求导：最大相对差值 {0}。</translation>
    </message>
    <message>
        <location filename="../playground/gui/inspector/divergence.py" line="+25"/>
        <source>the loss became {0}</source>
        <translation>损失变成了 {0}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the gradient of {0} became {1}</source>
        <translation>{0} 的梯度变成了 {1}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{0} became {1} in the update</source>
        <translation>{0} 在更新中变成了 {1}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>&lt;b&gt;Training diverged at step {0}: {1}.&lt;/b&gt;</source>
        <translation>&lt;b&gt;训练在第 {0} 步发散：{1}。&lt;/b&gt;</translation>
    </message>
</context>
<context>
    <name>IntroGuide</name>
    <message>
        <location filename="../playground/gui/intro.py" line="+26"/>
        <source>Introduction</source>
        <extracomment>Widest the card gets; it shrinks with a small plot, keeping this margin around it.</extracomment>
        <translation>入门介绍</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>&lt;b&gt;Welcome to Backprop Playground&lt;/b&gt;</source>
        <translation>&lt;b&gt;欢迎使用 Backprop Playground&lt;/b&gt;</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>&lt;p&gt;&lt;b&gt;The data.&lt;/b&gt; x holds 64 random inputs and y 64 random targets, as in the lesson: the network learns to fit noise. That is the point, not a bug: it shows back-propagation driving the loss down on whatever it is given.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Press F5&lt;/b&gt; (Start) and watch the loss fall, 100 steps a second; the Speed box above goes from slow motion to full speed. The inspector on the right shows each layer&apos;s gradients.&lt;/p&gt;&lt;p&gt;&lt;b&gt;Then try:&lt;/b&gt; raise the learning rate ten times (watch it diverge, and read why); switch the style to nn.Module and the optimizer to Adam; open &lt;i&gt;More&lt;/i&gt; and switch on a classic mistake, such as forgetting to zero the gradients.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;数据。&lt;/b&gt;与课程中一样，x 是 64 个随机输入，y 是 64 个随机目标：网络学的是拟合噪声。这正是用意所在，而不是 bug：它展示了无论给它什么数据，反向传播都能把损失降下来。&lt;/p&gt;&lt;p&gt;&lt;b&gt;按 F5&lt;/b&gt;（开始），看着损失以每秒 100 步的速度下降；上方的“速度”框可以从慢动作调到全速。右侧的检视面板显示每一层的梯度。&lt;/p&gt;&lt;p&gt;&lt;b&gt;接着试试：&lt;/b&gt;把学习率调大十倍（看它发散，并读一读原因）；把写法换成 nn.Module，把优化器换成 Adam；展开&lt;i&gt;更多&lt;/i&gt;，打开一个经典错误，比如忘记将梯度清零。&lt;/p&gt;</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Introduction text</source>
        <translation>入门介绍正文</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+1"/>
        <source>Got it</source>
        <translation>知道了</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Hide this guide (Help → Show the introduction brings it back)</source>
        <translation>隐藏本指南（“帮助 → 显示入门介绍”可以再次打开）</translation>
    </message>
</context>
<context>
    <name>LanguageMenu</name>
    <message>
        <location filename="../playground/gui/i18n.py" line="+134"/>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>System ({0})</source>
        <translation>跟随系统（{0}）</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Follow the system&apos;s language; it is {0} now.</source>
        <translation>跟随系统语言；当前为{0}。</translation>
    </message>
    <message>
        <location line="+37"/>
        <source>Language: {0}</source>
        <translation>语言：{0}</translation>
    </message>
</context>
<context>
    <name>LazyTab</name>
    <message>
        <location filename="../playground/gui/lazy_tab.py" line="+27"/>
        <source>Loading PyTorch…</source>
        <translation>正在加载 PyTorch…</translation>
    </message>
</context>
<context>
    <name>LogFloatSlider</name>
    <message>
        <location filename="../playground/gui/log_slider.py" line="+115"/>
        <source>learning rate: &apos;{0}&apos; is not a number</source>
        <extracomment>The learning-rate slider: 40 positions a decade, an arrow key moves a quarter decade (x 10^(1/4)) and Page Up/Down a whole one; at 1 px a position, 40 px a decade.</extracomment>
        <translation>学习率：&apos;{0}&apos; 不是数字</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>learning rate: must be a finite number greater than 0, got &apos;{0}&apos;</source>
        <translation>学习率：必须是大于 0 的有限数，输入的是 &apos;{0}&apos;</translation>
    </message>
</context>
<context>
    <name>LossPlot</name>
    <message>
        <location filename="../playground/gui/loss_plot.py" line="+95"/>
        <source>step</source>
        <translation>步数</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+274"/>
        <source>loss</source>
        <translation>损失</translation>
    </message>
    <message>
        <location line="-235"/>
        <source>No run yet. Press F5 (Start) and the loss appears here, step by step.</source>
        <extracomment>The current run&apos;s held-out test loss (core/loop.py eval_steps, test_losses): dashed.</extracomment>
        <translation>还没有运行。按 F5（开始）后，损失会逐步显示在这里。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Loss plot placeholder</source>
        <translation>损失曲线图占位提示</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Loss plot</source>
        <translation>损失曲线图</translation>
    </message>
    <message>
        <location filename="../playground/gui/plot_markers.py" line="+81"/>
        <source>{0} learning-rate changes, steps {1} to {2}:</source>
        <translation>第 {1} 到 {2} 步之间有 {0} 次学习率改动：</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>… and {0} more</source>
        <translation>……还有 {0} 次</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{0} lr changes</source>
        <translation>{0} 次 lr 改动</translation>
    </message>
    <message>
        <location filename="../playground/gui/loss_plot.py" line="+225"/>
        <source>loss (log scale)</source>
        <translation>损失（对数坐标）</translation>
    </message>
    <message>
        <location line="-149"/>
        <source>{0} (smoothed, EMA α={1:g})</source>
        <translation>{0}（平滑，EMA α={1:g}）</translation>
    </message>
    <message>
        <location line="-129"/>
        <source>Loss curves</source>
        <extracomment>The most runs drawn at once: the current run and the most recent visible ones. At most this many redraws a second. A live curve reads well at 10; on 2 cores (``playground bench``) redrawing at 30 Hz cost training about 20% of its speed when it ran in the window&apos;s process, at 5 Hz about 4%; in its own process it still shares the cores with the drawing. Most of the GUI thread&apos;s time the plot&apos;s redraws (data and paint) may take while a run is live. On 2 cores (``playground bench``) the window&apos;s drawing takes its CPU time from the training worker&apos;s when the run uses both cores, so the plot takes 5% (a 6 ms frame: 8 redraws a second; a 2 ms one: 25). The runs, or which of them are drawn, changed (emitted after the plot has followed). The runs this plot shows (its own when none is given: a plot used on its own).</extracomment>
        <translation>损失曲线</translation>
    </message>
    <message>
        <location line="+403"/>
        <source>step {0}
loss {1:.6g}</source>
        <translation>第 {0} 步
损失 {1:.6g}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../playground/gui/main_window.py" line="+120"/>
        <source>Controls</source>
        <extracomment>The status bar&apos;s numbers change at most this often while a run trains: batches come 20 times a second, faster than anyone reads, and each update re-lays out the bar. Every run of the session: the plot and the Runs table show it, saving and exports read it. The configuration the controls showed last (a new lr is told from the others by it). The Prediction tab, the dashed test loss and File &gt; Open data… (gui/dataset_views.py).</extracomment>
        <translation>控制面板</translation>
    </message>
    <message>
        <location line="+44"/>
        <source>Training</source>
        <translation>训练</translation>
    </message>
    <message>
        <location line="+2"/>
        <location filename="../playground/gui/run_history.py" line="+247"/>
        <source>Runs</source>
        <translation>运行记录</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+1"/>
        <source>Autograd lab</source>
        <translation>自动求导实验室</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Code</source>
        <translation>代码</translation>
    </message>
    <message>
        <location filename="../playground/gui/status_bar.py" line="+34"/>
        <source>What the training is doing</source>
        <extracomment>What the worker found (the window sets it once torch has loaded there).</extracomment>
        <translation>训练当前的状态</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Steps done / steps in the run</source>
        <translation>已完成步数 / 本次运行的总步数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Training steps per second</source>
        <translation>每秒训练步数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Time spent training in this run</source>
        <translation>本次运行已用的训练时间</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Where the arithmetic runs</source>
        <translation>计算在哪里进行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The last loss</source>
        <translation>最近一次的损失</translation>
    </message>
    <message>
        <location filename="../playground/gui/main_window.py" line="+23"/>
        <location line="+54"/>
        <location line="+352"/>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <location line="-406"/>
        <source>Start a run, or resume a paused one</source>
        <translation>开始一次运行，或继续已暂停的运行</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+410"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location line="-410"/>
        <source>Pause the run, or resume it</source>
        <translation>暂停运行，或继续运行</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Step</source>
        <translation>单步</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Run a single training step</source>
        <translation>只训练一步</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>End the run; its curve stays</source>
        <translation>结束本次运行；曲线保留</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Reset</source>
        <translation>重置</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Forget the current run</source>
        <translation>丢弃当前运行</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Quit Backprop Playground</source>
        <translation>退出 Backprop Playground</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Log scale</source>
        <translation>对数坐标</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Loss axis on a log scale</source>
        <translation>损失轴使用对数坐标</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Smoothing</source>
        <translation>平滑</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Draw a smoothed curve (EMA) over the raw one</source>
        <translation>在原始曲线上叠加一条平滑曲线（EMA，指数移动平均）</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Clear runs</source>
        <translation>清除旧运行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove the earlier runs from the plot</source>
        <translation>从图中移除之前的运行</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+6"/>
        <source>Speed</source>
        <translation>速度</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>How many training steps a second to show: slow motion draws every step and its gradients; full speed trains as fast as the device can. Takes effect at once, also during a run.</source>
        <translation>每秒显示多少步训练：慢动作会画出每一步及其梯度；全速则让设备尽可能快地训练。立即生效，运行中也一样。</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Open experiment…</source>
        <translation>打开实验…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Open a saved experiment: its settings and curves</source>
        <translation>打开保存的实验：包括其设置和曲线</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Save experiment…</source>
        <translation>保存实验…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save the settings and the runs&apos; loss histories as JSON</source>
        <translation>把设置和各次运行的损失历史保存为 JSON</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Include loss histories when saving</source>
        <translation>保存时包含损失历史</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Include time-travel snapshots when saving</source>
        <translation>保存时包含时间回溯快照</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Export losses as CSV…</source>
        <translation>将损失导出为 CSV…</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Export plot image…</source>
        <translation>导出图像…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Save the loss plot as PNG or SVG</source>
        <translation>把损失曲线图保存为 PNG 或 SVG</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>&amp;Run</source>
        <translation>运行(&amp;R)</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Show the introduction</source>
        <translation>显示入门介绍</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>What the data is, what to press, what to try</source>
        <translation>数据是什么、按什么、试什么</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Cannot start: {0}</source>
        <translation>无法开始：{0}</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>These sizes take about {0} s a step on this CPU. Start anyway?</source>
        <translation>按这些尺寸，在这台 CPU 上每步约需 {0} 秒。仍然开始吗？</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>These sizes take about {0} s a step on this GPU. Start anyway?</source>
        <translation>按这些尺寸，在这块 GPU 上每步约需 {0} 秒。仍然开始吗？</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>These sizes take about {0} s a step on this CPU ({1} steps: about {2}). Start anyway?</source>
        <translation>按这些尺寸，在这台 CPU 上每步约需 {0} 秒（{1} 步：约 {2}）。仍然开始吗？</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>These sizes take about {0} s a step on this GPU ({1} steps: about {2}). Start anyway?</source>
        <translation>按这些尺寸，在这块 GPU 上每步约需 {0} 秒（{1} 步：约 {2}）。仍然开始吗？</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Start anyway</source>
        <translation>仍然开始</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location line="+98"/>
        <source>The run diverged at step {0}.</source>
        <translation>运行在第 {0} 步发散。</translation>
    </message>
    <message>
        <location line="+242"/>
        <source>sweep: {0}</source>
        <translation>参数扫描：{0}</translation>
    </message>
    <message>
        <location line="-17"/>
        <source>Experiments (*.bpexp.json *.json)</source>
        <translation>实验 (*.bpexp.json *.json)</translation>
    </message>
    <message>
        <location line="-217"/>
        <source>The run stopped with an error: {0}</source>
        <translation>运行因错误而停止：{0}</translation>
    </message>
    <message>
        <location line="-329"/>
        <source>Gradients</source>
        <translation>梯度</translation>
    </message>
    <message>
        <location line="-2"/>
        <source>Side panels</source>
        <translation>侧边面板</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Network</source>
        <translation>网络</translation>
    </message>
    <message>
        <location line="+23"/>
        <source>Views</source>
        <translation>视图</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Sweep</source>
        <translation>参数扫描</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Step-through</source>
        <translation>单步详解</translation>
    </message>
    <message>
        <location line="+88"/>
        <source>Every run, one row per step</source>
        <translation>所有运行，每步一行</translation>
    </message>
    <message>
        <location line="+201"/>
        <source>Stopped. The step in progress could not be cut short, so the training process was restarted.</source>
        <translation>已停止。正在进行的那一步无法中途打断，因此训练进程已重新启动。</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Switch the mistake off and restart</source>
        <translation>关掉错误并重新开始</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Restart with lr = {0:g}</source>
        <translation>以 lr = {0:g} 重新开始</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Cannot run: {0}</source>
        <translation>无法运行：{0}</translation>
    </message>
    <message>
        <location line="+62"/>
        <source>You changed settings that need a new run. Restart with them now?</source>
        <translation>你修改的设置需要重新运行才能生效。现在就用新设置重新开始吗？</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Restart</source>
        <translation>重新开始</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Keep running</source>
        <translation>继续运行</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>The new settings apply to the next run.</source>
        <translation>新设置将在下次运行时生效。</translation>
    </message>
    <message>
        <location line="+34"/>
        <source>Start (loading PyTorch…)</source>
        <translation>开始（正在加载 PyTorch…）</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <location filename="../playground/gui/status_bar.py" line="+12"/>
        <source>ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>finished</source>
        <translation>已结束</translation>
    </message>
    <message>
        <location line="+10"/>
        <location line="+10"/>
        <source>loss –</source>
        <translation>损失 –</translation>
    </message>
    <message>
        <location line="-6"/>
        <source>{0:,.0f} steps/s</source>
        <translation>{0:,.0f} 步/秒</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>loss {0:.4g}</source>
        <translation>损失 {0:.4g}</translation>
    </message>
    <message>
        <location filename="../playground/gui/main_window.py" line="+41"/>
        <source>Could not save the experiment</source>
        <translation>无法保存实验</translation>
    </message>
    <message>
        <location filename="../playground/gui/exports.py" line="+45"/>
        <location line="+24"/>
        <location filename="../playground/gui/main_window.py" line="+1"/>
        <source>{0}: {1}</source>
        <translation>{0}：{1}</translation>
    </message>
    <message>
        <location filename="../playground/gui/main_window.py" line="+2"/>
        <source>Saved {0}</source>
        <translation>已保存 {0}</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Could not open the experiment</source>
        <translation>无法打开实验</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Opened {0}</source>
        <translation>已打开 {0}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Open experiment</source>
        <translation>打开实验</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Experiments (*.json);;All files (*)</source>
        <translation>实验 (*.json);;所有文件 (*)</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Save experiment</source>
        <translation>保存实验</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Export losses</source>
        <translation>导出损失</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <location filename="../playground/gui/exports.py" line="-24"/>
        <location line="+26"/>
        <source>Could not export</source>
        <translation>无法导出</translation>
    </message>
    <message>
        <location filename="../playground/gui/main_window.py" line="+23"/>
        <source>Export plot</source>
        <translation>导出图像</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>PNG image (*.png);;SVG drawing (*.svg)</source>
        <translation>PNG 图像 (*.png);;SVG 矢量图 (*.svg)</translation>
    </message>
    <message>
        <location filename="../playground/gui/exports.py" line="-1"/>
        <source>{0}: the file could not be written</source>
        <translation>{0}：无法写入文件</translation>
    </message>
</context>
<context>
    <name>NetworkDiagram</name>
    <message>
        <location filename="../playground/gui/network_diagram.py" line="+153"/>
        <source>{0} of {1} shown</source>
        <extracomment>Most units drawn in one column. Edge widths span this many decades of |weight| or |gradient| below the largest. The diagram is drawn at most this often (ms) while a run trains. The sampled grid of the statistics&apos; previews (gradstats.PREVIEW_MAX). Room left and right of the outer columns, for their captions (px). The whole gradient&apos;s norm of w1 and w2 (not only the drawn edges&apos;); () before a run.</extracomment>
        <translation>显示 {1} 个中的 {0} 个</translation>
    </message>
    <message>
        <location line="+67"/>
        <source>Network diagram</source>
        <translation>网络结构图</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Network status</source>
        <translation>网络状态</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+1"/>
        <source>Width: gradient</source>
        <translation>线宽：梯度</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Draw each edge as thick as its weight&apos;s gradient is large (on a log scale over four decades); unticked, as the weight is large. The colour is always the weight&apos;s sign: red positive, blue negative.</source>
        <translation>按权重梯度的大小决定每条连线的粗细（对数刻度，跨四个数量级）；不勾选时，按权重本身的大小。颜色始终表示权重的正负：红色为正，蓝色为负。</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Network drawing</source>
        <translation>网络图</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>Start a run to see the weights and their gradients.</source>
        <translation>开始一次运行即可看到权重及其梯度。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>gradient</source>
        <translation>梯度</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>weight</source>
        <translation>权重</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Step {0}: colour = sign of the weight, width = size of the {1}.</source>
        <translation>第 {0} 步：颜色 = 权重的正负，线宽 = {1}的大小。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>‖∂L/∂w1‖ = {0}, ‖∂L/∂w2‖ = {1}</source>
        <translation>‖∂L/∂w1‖ = {0}，‖∂L/∂w2‖ = {1}</translation>
    </message>
</context>
<context>
    <name>Outcome</name>
    <message>
        <location filename="../playground/core/outcomes.py" line="+32"/>
        <source>completed</source>
        <extracomment>Why the training loop ends a run (a batch with ``done``); &quot;running&quot; and &quot;paused&quot; are not ends. How a saved run ended: an end reason, or &quot;recorded&quot; when that is not known. The words for each outcome. An error reads &quot;failed&quot;: the run did not end by itself.</extracomment>
        <translation>已完成</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>diverged</source>
        <translation>已发散</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>recorded</source>
        <translation>已记录</translation>
    </message>
</context>
<context>
    <name>PredictionPanel</name>
    <message>
        <location filename="../playground/gui/prediction.py" line="+83"/>
        <source>Prediction</source>
        <extracomment>Gap between two digit images in the mosaic, in pixels of the 8x8 images. The points drawn by hand so far: an (n, 3) array of x, y, class. The student asked to train on the drawn points.</extracomment>
        <translation>预测</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Accuracy</source>
        <extracomment>The (training, test) points the scatter plots show now. The digit images and the confusion counts shown now (redrawn only when they change). The latest test loss and accuracies (classification: the accuracy panel of the loss plot).</extracomment>
        <translation>准确率</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Accuracy plot</source>
        <extracomment>Accuracy against step (classification): training solid, test dashed.</extracomment>
        <translation>准确率曲线图</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>accuracy</source>
        <translation>准确率</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Decision boundary</source>
        <translation>决策边界</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Filled: training points; hollow: test points. Colour: the network&apos;s probability of each class. Click to draw points (left: orange, right: blue).</source>
        <translation>实心：训练点；空心：测试点。颜色：网络给出的各类别的概率。点击即可画点（左键：橙色，右键：蓝色）。</translation>
    </message>
    <message>
        <location line="+4"/>
        <location line="+1"/>
        <source>Train on the drawn points</source>
        <translation>用画出的点训练</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+1"/>
        <source>Clear drawn points</source>
        <translation>清除画出的点</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>Fitted curve</source>
        <translation>拟合曲线</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Prediction against target</source>
        <translation>预测值与目标值对照</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>target</source>
        <translation>目标值</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>prediction</source>
        <translation>预测值</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Test images</source>
        <translation>测试图像</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Confusion matrix</source>
        <translation>混淆矩阵</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Rows: the true class; columns: the predicted class. The diagonal counts the right answers.</source>
        <translation>行：真实类别；列：预测类别。对角线上是预测正确的个数。</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Confusion matrix (rows: true, columns: predicted)</source>
        <translation>混淆矩阵（行：真实，列：预测）</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Prediction note</source>
        <translation>预测说明</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Train and test loss</source>
        <translation>训练损失与测试损失</translation>
    </message>
    <message>
        <location line="+25"/>
        <source>Random targets have nothing to predict: the network can only memorise them. With a test set (Test fraction above 0) the gap between the training loss and the test loss is the picture: the training loss falls, the test loss does not. Choose a data set to see what a network learns.</source>
        <translation>随机目标没有什么可预测的：网络只能把它们死记下来。有测试集时（测试集比例大于 0），训练损失与测试损失之间的差距说明了一切：训练损失下降，测试损失却不降。选一个数据集，看看网络能学到什么。</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Training loss {0:.4g}; no test set.</source>
        <translation>训练损失 {0:.4g}；没有测试集。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Training loss {0:.4g}, test loss {1:.4g}: the gap is {2:.4g}.</source>
        <translation>训练损失 {0:.4g}，测试损失 {1:.4g}：差距为 {2:.4g}。</translation>
    </message>
    <message>
        <location line="+30"/>
        <source>step {0}</source>
        <translation>第 {0} 步</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>test loss {0:.4g}</source>
        <translation>测试损失 {0:.4g}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>training accuracy {0:.1%}</source>
        <translation>训练准确率 {0:.1%}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>test accuracy {0:.1%}</source>
        <translation>测试准确率 {0:.1%}</translation>
    </message>
    <message>
        <location line="+82"/>
        <source>Each image: the network&apos;s digit (in red with the true one when wrong). {0} of these {1} wrong.</source>
        <translation>每张图像：网络给出的数字（预测错误时显示为红色，并附上正确的数字）。这 {1} 张中有 {0} 张预测错误。</translation>
    </message>
    <message>
        <location line="+72"/>
        <source>Draw at least 10 points of both classes (left click: orange, right click: blue).</source>
        <translation>两个类别各至少画 10 个点（左键点击：橙色，右键点击：蓝色）。</translation>
    </message>
</context>
<context>
    <name>RunHistoryPanel</name>
    <message>
        <location filename="../playground/gui/run_history.py" line="-190"/>
        <source>name</source>
        <extracomment>Rows the table looks at to size its columns to their contents: enough to size them, and a bounded cost with thousands of runs (Qt&apos;s default, 1000, asks each cell of 1000 rows).</extracomment>
        <translation>名称</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>style</source>
        <translation>写法</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>optimizer</source>
        <translation>优化器</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>lr</source>
        <translation>学习率</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>final loss</source>
        <translation>最终损失</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>steps/s</source>
        <translation>步/秒</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>duration</source>
        <translation>用时</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>result</source>
        <translation>结果</translation>
    </message>
    <message>
        <location line="+104"/>
        <source>Ticked, but not drawn: the plot shows the current run and the {0} most recent ticked runs. Untick later runs to draw this one.</source>
        <translation>已勾选，但未绘制：图中只显示当前运行和最近勾选的 {0} 次运行。取消勾选较新的运行即可绘制这一次。</translation>
    </message>
    <message>
        <location line="+95"/>
        <source>Tick a run to show it on the plot; double-click its name to rename it.</source>
        <translation>勾选某次运行即可在图上显示它；双击名称可重命名。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Delete selected</source>
        <translation>删除所选</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Remove the selected runs from the plot and this list</source>
        <translation>从图和本列表中移除所选的运行</translation>
    </message>
    <message>
        <location line="-57"/>
        <source>diverged at step {0}</source>
        <translation>在第 {0} 步发散</translation>
    </message>
    <message>
        <location line="-32"/>
        <source>How this run ended was not saved with it.</source>
        <translation>这次运行是如何结束的，没有随它一起保存。</translation>
    </message>
    <message>
        <location line="+30"/>
        <location line="+5"/>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
</context>
<context>
    <name>Speed</name>
    <message>
        <location filename="../playground/gui/speed.py" line="+14"/>
        <source>slow motion: 2 steps/s</source>
        <extracomment>(steps a second, label); the labels are translated in the &quot;Speed&quot; context.</extracomment>
        <translation>慢动作：2 步/秒</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>10 steps/s</source>
        <translation>10 步/秒</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>30 steps/s</source>
        <translation>30 步/秒</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>100 steps/s</source>
        <translation>100 步/秒</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>300 steps/s</source>
        <translation>300 步/秒</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>1000 steps/s</source>
        <translation>1000 步/秒</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>full speed</source>
        <translation>全速</translation>
    </message>
</context>
<context>
    <name>StepThroughView</name>
    <message>
        <location filename="../playground/gui/step_through.py" line="+183"/>
        <source>Step-through</source>
        <extracomment>Largest matrix shown as a table (rows x columns); larger ones as a heat map. Largest run (estimated bytes) the tab steps through on the GUI thread.</extracomment>
        <translation>单步详解</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>Step-through configuration</source>
        <translation>单步详解的配置</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+2"/>
        <source>Small sizes</source>
        <translation>小尺寸</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Step through N={0}, D_in={1}, H={2}, D_out={3}: every value fits in a table. The window&apos;s other settings stay.</source>
        <translation>以 N={0}、D_in={1}、H={2}、D_out={3} 做单步详解：每个值都能放进表格。窗口中的其他设置保持不变。</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+1"/>
        <source>Back</source>
        <translation>上一行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The previous line (Left arrow or Page Up)</source>
        <translation>上一行（左方向键或 Page Up）</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+1"/>
        <source>Next</source>
        <translation>下一行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The next line (Right arrow or Page Down)</source>
        <translation>下一行（右方向键或 Page Down）</translation>
    </message>
    <message>
        <location line="+17"/>
        <source>Step-through code</source>
        <translation>单步详解代码</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>How the style computes it</source>
        <translation>这种写法如何计算它</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Stage</source>
        <translation>阶段</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>What the line does</source>
        <translation>这一行做了什么</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Formula</source>
        <translation>公式</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Shape</source>
        <translation>形状</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>Values</source>
        <translation>数值</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Autograd&apos;s values</source>
        <translation>自动求导的数值</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+182"/>
        <source>By hand (NumPy)</source>
        <translation>手工计算（NumPy）</translation>
    </message>
    <message>
        <location line="-169"/>
        <source>Values as a heat map</source>
        <translation>以热力图显示的数值</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Point at the heat map to read a value.</source>
        <translation>把鼠标指向热力图即可读取数值。</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Value under the cursor</source>
        <translation>光标处的数值</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Step-through message</source>
        <translation>单步详解消息</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Largest difference</source>
        <translation>最大差值</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Note</source>
        <translation>说明</translation>
    </message>
    <message>
        <location line="+43"/>
        <location line="+25"/>
        <source>Cannot step through this configuration: {0}</source>
        <translation>无法对这个配置做单步详解：{0}</translation>
    </message>
    <message>
        <location line="-23"/>
        <source>One training step of style {0}, N={1}, D_in={2}, H={3}, D_out={4}, activation {5}, loss {6}, optimizer {7}, lr {8}</source>
        <translation>一步训练：写法 {0}，N={1}，D_in={2}，H={3}，D_out={4}，激活函数 {5}，损失 {6}，优化器 {7}，lr {8}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>These sizes are too large to step through here: press Small sizes.</source>
        <translation>这些尺寸太大，无法在这里做单步详解：请按“小尺寸”。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Working out the step…</source>
        <translation>正在计算这一步…</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>The NumPy style runs exactly these lines. Beside each value: PyTorch autograd&apos;s for the same numbers.</source>
        <translation>NumPy 写法执行的正是这些代码行。每个值旁边是 PyTorch 自动求导对同样的数算出的值。</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The raw-tensor style writes the forward pass with x.mm(w1); loss.backward() does the whole backward pass, and autograd&apos;s values are shown beside each line.</source>
        <translation>原始张量写法用 x.mm(w1) 写出前向传播；loss.backward() 完成整个反向传播，自动求导的数值显示在每一行旁边。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>The {0} style runs y_pred = model(x) and loss.backward(); nn.Linear keeps its weight as (out, in), so w1 here is linear1.weight.T.</source>
        <translation>{0} 写法执行 y_pred = model(x) 和 loss.backward()；nn.Linear 按 (out, in) 的形状存放权重，所以这里的 w1 是 linear1.weight.T。</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>{0} {1} of {2}: {3}</source>
        <translation>{0}（{1}/{2}）：{3}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>shape {0}</source>
        <translation>形状 {0}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Autograd ({0})</source>
        <translation>自动求导（{0}）</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>PyTorch ({0})</source>
        <translation>PyTorch（{0}）</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>Not every value is finite: the difference cannot be taken.</source>
        <translation>并非所有值都是有限数：无法计算差值。</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Largest difference from autograd: {0} ({1} of the largest value): float rounding.</source>
        <translation>与自动求导的最大差值：{0}（为最大值的 {1}）：浮点舍入误差。</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Largest difference from PyTorch: {0} ({1} of the largest value).</source>
        <translation>与 PyTorch 的最大差值：{0}（为最大值的 {1}）。</translation>
    </message>
</context>
<context>
    <name>SweepTab</name>
    <message>
        <location filename="../playground/gui/sweep_tab.py" line="+41"/>
        <location line="+21"/>
        <source>Sweep</source>
        <extracomment>A cell&apos;s :class:`CellResult` to open as a run on the Training tab. A sweep started (True) or ended (False).</extracomment>
        <translation>扫描</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>and</source>
        <translation>和</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>final loss</source>
        <translation>最终损失</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>best loss</source>
        <translation>最佳损失</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+2"/>
        <source>Heat map shows</source>
        <translation>热力图显示</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Run sweep</source>
        <translation>运行参数扫描</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Train every cell with the Training tab&apos;s settings and these values</source>
        <translation>用“训练”页的设置和这些取值训练每个单元格</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop sweep</source>
        <translation>停止参数扫描</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Stop the cells training now; finished cells stay</source>
        <translation>立即停止正在训练的单元格；已完成的单元格保留</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Sweep progress</source>
        <translation>参数扫描进度</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>%p% of all steps</source>
        <translation>已完成全部步数的 %p%</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Sweep message</source>
        <translation>参数扫描消息</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Sweep cells</source>
        <translation>参数扫描单元格</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Sweep heat map</source>
        <translation>参数扫描热力图</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>log10 loss</source>
        <translation>log10 损失</translation>
    </message>
    <message>
        <location line="+35"/>
        <source>A large sweep</source>
        <translation>大规模参数扫描</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The grid has {0} cells. Train them all?</source>
        <translation>网格共有 {0} 个单元格。全部训练吗？</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Cannot run the sweep: {0}</source>
        <translation>无法运行参数扫描：{0}</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Cannot run the sweep: the grid has {0} cells; the window draws at most {1} (the sweep command runs larger grids)</source>
        <translation>无法运行参数扫描：网格有 {0} 个单元格，窗口最多绘制 {1} 个（更大的网格请用 sweep 命令运行）</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Training {0} cells, {1} at a time…</source>
        <translation>正在训练 {0} 个单元格，每次 {1} 个…</translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Stopping: finished cells stay.</source>
        <translation>正在停止：已完成的单元格保留。</translation>
    </message>
    <message>
        <location line="+24"/>
        <source>The sweep failed: {0}</source>
        <translation>参数扫描失败：{0}</translation>
    </message>
    <message>
        <location line="+13"/>
        <location line="+171"/>
        <source>{0} of {1} cells trained. Click a cell to open it as a run.</source>
        <translation>已训练 {1} 个单元格中的 {0} 个。点击某个单元格即可把它作为一次运行打开。</translation>
    </message>
</context>
<context>
    <name>TimeTravelBar</name>
    <message>
        <location filename="../playground/gui/time_travel.py" line="+42"/>
        <location line="+3"/>
        <location line="+17"/>
        <source>Time travel</source>
        <extracomment>The step of the state shown, or -1 when back to live. Other views of a step&apos;s statistics (the network diagram): called with the recorded StepStats when travelling, and with the newest when back to live.</extracomment>
        <translation>时间回溯</translation>
    </message>
    <message>
        <location line="-16"/>
        <source>Drag back over the run: the inspector shows the gradients recorded nearest that step, and the loss plot marks it</source>
        <translation>沿运行过程往回拖动：检视面板显示在最接近该步时记录的梯度，损失曲线图会标出这一步</translation>
    </message>
    <message>
        <location line="+6"/>
        <location line="+88"/>
        <source>live</source>
        <translation>实时</translation>
    </message>
    <message>
        <location line="-87"/>
        <source>Time travel step</source>
        <translation>时间回溯的步数</translation>
    </message>
    <message>
        <location line="+3"/>
        <location line="+1"/>
        <source>Live</source>
        <translation>实时</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Back to the present: the inspector follows the run again</source>
        <translation>回到当前：检视面板重新跟随运行</translation>
    </message>
    <message>
        <location line="+57"/>
        <source>step {0}</source>
        <translation>第 {0} 步</translation>
    </message>
</context>
<context>
    <name>TrainingController</name>
    <message>
        <location filename="../playground/gui/controller.py" line="+329"/>
        <source>the training process is not running</source>
        <extracomment>Stop (or a restart) waits this long for the step in progress; a slower step is let go: the run ends now, and the worker process, stuck in that step, is killed (a fresh one trains the next run). A matrix product cannot be interrupted, and one step at N=65536, H=8192 takes 26 s here. Which state may follow which (every change of state is checked against this). What each public command does in each situation: the controller method that does it. Where a worker runs, what must wait for it to end (the &quot;then ...&quot; half of an action, a &quot;..._after&quot;) goes on the queue of things to do once it has ended; a stop or a pause empties that queue, so what waited is cancelled. Runs, launches and calls are numbered across every controller of this process, so a message about an earlier one (from a worker another window used before) is known. Idle workers that closed windows handed back, for the next window to take at once. Every worker this process started and has not closed (all are closed at exit). The model&apos;s parameter names, in order (known once the worker has built it). Called first in each new worker process: a picklable module-level function (tests use it to slow a step down inside the worker). The launch the worker is training (None: none). Set by the reader thread when the current launch has ended (see :meth:`shutdown`). Workers killed in a step that outlasted a stop&apos;s grace, until they have gone. What to do once the launch has ended, in order (empty whenever none runs). Steps a second the runs train at (None: full speed); see :meth:`set_pace`. New runs replay their step from CUDA graphs (core/fastmode.py) where that applies.</extracomment>
        <translation>训练进程没有在运行</translation>
    </message>
    <message>
        <location line="+150"/>
        <source>the training process stopped</source>
        <translation>训练进程已停止</translation>
    </message>
    <message>
        <location line="+68"/>
        <source>the training process stopped: {0}</source>
        <translation>训练进程已停止：{0}</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>training stopped by an internal error: {0}</source>
        <translation>训练因内部错误而停止：{0}</translation>
    </message>
</context>
</TS>
